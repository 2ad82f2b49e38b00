package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.assertj.core.api.SoftAssertions;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.ContrastiveLoss.Target;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;

/**
 * CNFs trained on toy T1 (Elsharkawy and Kahn 2025, Sec. 5) approach the optimum of Eq. (10), p*_c
 * = max(p_s - c p_b, 0) / lambda_c (roles swapped for a background CNF), at reduced scale: 8
 * coupling layers (gated affine, Eq. 15, and quadratic, Eq. 16, alternating) of width 32 instead of
 * 30 of width 64, 6000 events per class instead of 30,000, {@value #STEPS} steps, inputs
 * standardized by {@link CnfTrainer}. The losses clamp each contrasted event as well as the batch
 * ({@link ContrastiveLoss#withEventClamp()}): with the batch clamp alone every run froze within
 * about 100 steps, once a few background events far in the flow's tails pulled the batch loss below
 * k, and what the test measured was an early flow that depended on the seed (TV to p*_2 from 0.21
 * to 0.35 over training seeds 21, 31, 41, 51). Training ends on the last step ({@code
 * optKeepBest(false)}); validation is only reported.
 *
 * <p>The yardstick is the modelled class's own density (no contrast). Every CNF must be within TV
 * 0.25 of p*_c and leave less than a fifth of the mass that density leaves where p*_c = 0, and for
 * c >= 1 be closer to p*_c than it (at c = 0.5 the signal density is already close to p*: TV 0.15).
 * Measured over training seeds 21, 31, 41, 51: TV 0.09-0.16 (c = 0.5), 0.09-0.18 (c = 1), 0.10-0.23
 * (c = 2), 0.11-0.19 (background, c = 1), mass where p*_c = 0 at most 0.012; the test uses seed 21,
 * the worst of the four for c >= 1.
 */
class T1OptimumTest {

  static final double X0_MIN = -13;
  static final double X0_MAX = 9;
  static final double X1_MIN = -11;
  static final double X1_MAX = 18;
  static final int GRID = 220;
  static final int STEPS = 500;

  /** Background mass where p*_c = 0 for c = 0.5, 1, 2 (specs/toys.md). */
  static final double[] BACKGROUND_MASS_REFERENCE = {0.700, 0.805, 0.888};

  /** The signal CNFs for c = 0.5, 1, 2 and the background CNF for c = 1. */
  static final List<CnfTrainer.Spec> SPECS =
      List.of(
          new CnfTrainer.Spec("s_c0.5", ContrastiveLoss.signal(0.5).withEventClamp()),
          new CnfTrainer.Spec("s_c1", ContrastiveLoss.signal(1).withEventClamp()),
          new CnfTrainer.Spec("s_c2", ContrastiveLoss.signal(2).withEventClamp()),
          new CnfTrainer.Spec("b_c1", ContrastiveLoss.background(1).withEventClamp()));

  /** A CNF of the paper's alternating architecture at reduced size. */
  static Flow smallCnf(long seed) {
    return Flows.gatedQuadratic(2, 0, 8, 32, 2).optDevice(Device.cpu()).optSeed(seed).build();
  }

  /** Trains {@link #SPECS} on the events; member i starts from seed + i. */
  static CnfSet train(FeatureMatrix signal, FeatureMatrix background, long seed) {
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(STEPS)
            .optBatchSize(512)
            .optLearningRate(1e-3)
            .optEvaluateEvery(STEPS / 2)
            .optKeepBest(false)
            .optSeed(seed)
            .optListener(TrainingListener.NONE)
            .build();
    return CnfTrainer.train(signal, background, SPECS, T1OptimumTest::smallCnf, config);
  }

  /**
   * Per member: TV to p*_c, learned mass where p*_c = 0, and the same two for the modelled class's
   * own density.
   */
  static double[][] distances(CnfSet set, Grid grid) {
    double[][] logp = new PhiFeatures(set, 8192).logDensities(FeatureMatrix.of(grid.points, 2));
    double[][] out = new double[SPECS.size()][];
    for (int k = 0; k < SPECS.size(); k++) {
      ContrastiveLoss loss = SPECS.get(k).loss();
      boolean signal = loss.target() == Target.SIGNAL;
      double[] optimum = grid.normalized(grid.contrasted(signal, loss.c()));
      double[] own = grid.normalized(p -> grid.density(signal, p));
      double[] column = logp[k];
      double[] learned = grid.normalized(p -> Math.exp(column[p]));
      out[k] =
          new double[] {
            grid.totalVariation(learned, optimum),
            grid.massWhereZero(learned, optimum),
            grid.totalVariation(own, optimum),
            grid.massWhereZero(own, optimum)
          };
    }
    return out;
  }

  @Test
  void learnedDensitiesApproachTheOptimumOfEquationTen() {
    FeatureMatrix s = FeatureMatrix.of(ToyEvents.rows(ToyT1.SIGNAL, 6000, 11));
    FeatureMatrix bg = FeatureMatrix.of(ToyEvents.rows(ToyT1.BACKGROUND, 6000, 12));
    Grid grid = new Grid();
    SoftAssertions soft = new SoftAssertions();
    for (int k = 0; k < ToyT1.CONTRASTS.length; k++) {
      double c = ToyT1.CONTRASTS[k];
      double[] optimum = grid.normalized(grid.contrasted(true, c));
      double lambda = grid.integral(grid.contrasted(true, c));
      double backgroundLeft =
          grid.massWhereZero(grid.normalized(p -> grid.density(false, p)), optimum);
      System.out.printf(
          "T1 p*_%.1f: lambda %.3f (reference %.3f), background mass where p* = 0 %.3f"
              + " (reference %.3f)%n",
          c, lambda, ToyT1.LAMBDA_C_REFERENCE[k], backgroundLeft, BACKGROUND_MASS_REFERENCE[k]);
      soft.assertThat(lambda)
          .as("lambda_%s", c)
          .isCloseTo(ToyT1.LAMBDA_C_REFERENCE[k], within(0.005));
      soft.assertThat(backgroundLeft)
          .as("background mass where p*_%s = 0", c)
          .isCloseTo(BACKGROUND_MASS_REFERENCE[k], within(0.005));
    }
    try (CnfSet set = train(s, bg, 21)) {
      double[][] d = distances(set, grid);
      for (int k = 0; k < SPECS.size(); k++) {
        ContrastiveLoss loss = SPECS.get(k).loss();
        double c = loss.c();
        System.out.printf(
            "T1 %s c = %.1f: learned TV to p* %.3f (own density: %.3f), mass where p* = 0 %.3f"
                + " (own density: %.3f)%n",
            loss.target(), c, d[k][0], d[k][2], d[k][1], d[k][3]);
        soft.assertThat(d[k][0]).as("TV to p*_%s", c).isLessThan(0.25);
        if (c >= 1) {
          soft.assertThat(d[k][0])
              .as("TV to p*_%s vs the class density", c)
              .isLessThan(0.85 * d[k][2]);
        }
        soft.assertThat(d[k][1]).as("learned mass where p*_%s = 0", c).isLessThan(0.2 * d[k][3]);
      }
      soft.assertAll();
      phiFeaturesClassify(set, s, bg);
    }
  }

  /**
   * The c = 1 CNFs as a classifier, deciding signal where log p_s,c=1 > log p_b,c=1 (the CNF
   * classifier of Sec. 5, Table 1 (ii)), and a DNN on x with the Phi columns of the set appended
   * (Sec. 6.2), against the Bayes accuracy on equal mixtures (0.8251 on these events): both reach
   * it (measured 0.8241 for the CNF pair, 0.8244 for the DNN; the CNF pair trained with the batch
   * clamp alone reached 0.795).
   */
  private static void phiFeaturesClassify(CnfSet set, FeatureMatrix s, FeatureMatrix bg) {
    FeatureMatrix test = ToyEvents.labelled(10000, 13, 14);
    PhiFeatures features = new PhiFeatures(set, 8192);
    double[][] logp = features.logDensities(test);
    double[] cnfLogRatio = new double[test.size()];
    for (int i = 0; i < cnfLogRatio.length; i++) {
      cnfLogRatio[i] = logp[1][i] - logp[3][i];
    }
    double[] cnf = ClassifierTest.accuracy(cnfLogRatio, test);
    FeatureMatrix withPhi = features.append(FeatureMatrix.labelled(s, bg));
    int width = withPhi.dim();
    try (Classifier model =
        Classifier.create(
            new Classifier.Architecture(width, 32, 3, 1, Activation.RELU),
            Standardization.fit(withPhi),
            3,
            Device.cpu())) {
      ClassifierTrainer.train(model, withPhi, ClassifierTest.training(800, 256, 3e-3, 4))
          .requireSuccess();
      double[] dnn =
          ClassifierTest.accuracy(model.logLikelihoodRatio(features.append(test), 4096), test);
      System.out.printf(
          "T1 CNF classifier (c = 1 pair) accuracy %.4f, DNN on x + Phi %.4f, Bayes %.4f%n",
          cnf[0], dnn[0], dnn[1]);
      assertThat(cnf[0]).isGreaterThan(cnf[1] - 0.02);
      assertThat(dnn[0]).isGreaterThan(dnn[1] - 0.01);
    }
  }

  /** Densities on a regular grid over the support of T1 (midpoint rule). */
  static final class Grid {
    final float[] points = new float[2 * GRID * GRID];
    final double cell;

    Grid() {
      double h0 = (X0_MAX - X0_MIN) / GRID;
      double h1 = (X1_MAX - X1_MIN) / GRID;
      cell = h0 * h1;
      for (int i = 0; i < GRID; i++) {
        for (int j = 0; j < GRID; j++) {
          int p = i * GRID + j;
          points[2 * p] = (float) (X0_MIN + (i + 0.5) * h0);
          points[2 * p + 1] = (float) (X1_MIN + (j + 0.5) * h1);
        }
      }
    }

    /** max(p_modelled - c p_contrasted, 0) at grid point p. */
    IntToDoubleFunction contrasted(boolean signal, double c) {
      return p -> Math.max(density(signal, p) - c * density(!signal, p), 0);
    }

    double density(boolean signal, int p) {
      BivariateGaussian g = signal ? ToyT1.SIGNAL : ToyT1.BACKGROUND;
      return Math.exp(g.logDensity(points[2 * p], points[2 * p + 1]));
    }

    double integral(IntToDoubleFunction f) {
      double sum = 0;
      for (int p = 0; p < GRID * GRID; p++) {
        sum += f.applyAsDouble(p) * cell;
      }
      return sum;
    }

    /** f on the grid, scaled to integrate to one over the grid. */
    double[] normalized(IntToDoubleFunction f) {
      double norm = integral(f);
      double[] q = new double[GRID * GRID];
      for (int p = 0; p < q.length; p++) {
        q[p] = f.applyAsDouble(p) / norm;
      }
      return q;
    }

    double totalVariation(double[] q, double[] r) {
      double tv = 0;
      for (int p = 0; p < q.length; p++) {
        tv += Math.abs(q[p] - r[p]) * cell;
      }
      return 0.5 * tv;
    }

    double massWhereZero(double[] q, double[] optimum) {
      double m = 0;
      for (int p = 0; p < q.length; p++) {
        if (optimum[p] == 0) {
          m += q[p] * cell;
        }
      }
      return m;
    }
  }
}
