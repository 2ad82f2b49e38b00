package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.assertj.core.api.SoftAssertions;
import org.cnflows.contrastive.ContrastiveLoss.Target;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.Samples;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.junit.jupiter.api.Test;

/**
 * CNFs trained on toy T1 (Elsharkawy and Kahn 2025, Sec. 5) approach the optimum of Eq. (10), p*_c
 * = max(p_s - c p_b, 0) / lambda_c (roles swapped for a background CNF), at reduced scale: 8
 * coupling layers (gated affine, Eq. 15, and quadratic, Eq. 16, alternating) of width 32 instead of
 * 30 of width 64, 6000 events per class instead of 30,000, 1000 steps, inputs standardized by
 * {@link CnfTrainer}, and a single evaluation at the end so that the final parameters are kept:
 * FlowTrainer keeps the parameters of the best evaluation, and once the clamped loss reaches k
 * every later evaluation ties with the first one at k, which would keep an early, poor flow. The
 * yardstick is the modelled class's own density (no contrast): the CNF must leave less than 65% of
 * the mass that density leaves where p*_c = 0, and for c >= 1 be closer to p*_c than it (at c = 0.5
 * the signal density is already close to p*: TV 0.15, about 0.2 for the CNF at this scale).
 */
class T1OptimumTest {

  static final double X0_MIN = -13;
  static final double X0_MAX = 9;
  static final double X1_MIN = -11;
  static final double X1_MAX = 18;
  static final int GRID = 220;

  /** A CNF of the paper's alternating architecture at reduced size. */
  static Flow smallCnf(long seed) {
    return Flows.gatedQuadratic(2, 0, 8, 32, 2).optDevice(Device.cpu()).optSeed(seed).build();
  }

  @Test
  void learnedDensitiesApproachTheOptimumOfEquationTen() {
    Samples s = Samples.of(T1.sample(true, 6000, 11));
    Samples bg = Samples.of(T1.sample(false, 6000, 12));
    double[] cs = {0.5, 1, 2};
    double[] refLambda = {0.766, 0.645, 0.500};
    double[] refMass = {0.700, 0.805, 0.888};
    List<CnfTrainer.Spec> specs =
        List.of(
            new CnfTrainer.Spec("s_c0.5", ContrastiveLoss.signal(0.5)),
            new CnfTrainer.Spec("s_c1", ContrastiveLoss.signal(1)),
            new CnfTrainer.Spec("s_c2", ContrastiveLoss.signal(2)),
            new CnfTrainer.Spec("b_c1", ContrastiveLoss.background(1)));
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(1000)
            .optBatchSize(512)
            .optLearningRate(1e-3)
            .optEvaluateEvery(1000)
            .optSeed(21)
            .optListener(TrainingListener.NONE)
            .build();
    try (CnfSet set = CnfTrainer.train(s, bg, specs, T1OptimumTest::smallCnf, config)) {
      SoftAssertions soft = new SoftAssertions();
      Grid grid = new Grid();
      double[][] logp = new PhiFeatures(set, 8192).logDensities(grid.points);
      for (int k = 0; k < specs.size(); k++) {
        ContrastiveLoss loss = specs.get(k).loss();
        double c = loss.c();
        boolean signal = loss.target() == Target.SIGNAL;
        IntToDoubleFunction contrasted =
            p -> Math.max(grid.density(signal, p) - c * grid.density(!signal, p), 0);
        double[] optimum = grid.normalized(contrasted);
        double[] own = grid.normalized(p -> grid.density(signal, p));
        double[] column = logp[k];
        double[] learned = grid.normalized(p -> Math.exp(column[p]));
        double tv = grid.totalVariation(learned, optimum);
        double leak = grid.massWhereZero(learned, optimum);
        double tvOwn = grid.totalVariation(own, optimum);
        double leakOwn = grid.massWhereZero(own, optimum);
        System.out.printf(
            "T1 %s c = %.1f: learned TV to p* %.3f (own density: %.3f), mass where p* = 0 %.3f"
                + " (own density: %.3f)%n",
            loss.target(), c, tv, tvOwn, leak, leakOwn);
        if (signal) {
          double lambda = grid.integral(contrasted);
          double backgroundLeft =
              grid.massWhereZero(grid.normalized(p -> grid.density(false, p)), optimum);
          System.out.printf(
              "T1 p*_%.1f: lambda %.3f (reference %.3f), background mass where p* = 0 %.3f"
                  + " (reference %.3f)%n",
              c, lambda, refLambda[k], backgroundLeft, refMass[k]);
          soft.assertThat(lambda).as("lambda_%s", c).isCloseTo(refLambda[k], within(0.005));
          soft.assertThat(backgroundLeft)
              .as("background mass where p*_%s = 0", c)
              .isCloseTo(refMass[k], within(0.005));
        }
        soft.assertThat(tv).as("TV to p*_%s", c).isLessThan(0.25);
        if (c >= 1) {
          soft.assertThat(tv).as("TV to p*_%s vs the class density", c).isLessThan(0.9 * tvOwn);
        }
        soft.assertThat(leak).as("learned mass where p*_%s = 0", c).isLessThan(0.65 * leakOwn);
      }
      soft.assertAll();
      phiFeaturesClassify(set, s, bg);
    }
  }

  /**
   * The c = 1 CNFs as a classifier, deciding signal where log p_s,c=1 > log p_b,c=1 (the CNF
   * classifier of Sec. 5, Table 1 (ii)), and a DNN on x with the Phi columns of the set appended
   * (Sec. 6.2), against the Bayes accuracy on equal mixtures: the DNN reaches it (measured 0.8228
   * vs 0.8226 on these events), the CNF pair alone at this reduced scale comes within 0.03 (0.795).
   */
  private static void phiFeaturesClassify(CnfSet set, Samples s, Samples bg) {
    LabeledEvents test =
        LabeledEvents.of(
            ContrastiveLossTest.flat(T1.sample(true, 10000, 13)),
            ContrastiveLossTest.flat(T1.sample(false, 10000, 14)),
            2);
    PhiFeatures features = new PhiFeatures(set, 8192);
    double[][] logp = features.logDensities(test.x());
    double[] cnfLogRatio = new double[test.size()];
    for (int i = 0; i < cnfLogRatio.length; i++) {
      cnfLogRatio[i] = logp[1][i] - logp[3][i];
    }
    double[] cnf = ClassifierTest.accuracy(cnfLogRatio, test.x(), test.labels(), null);
    LabeledEvents train = LabeledEvents.of(s.x(), bg.x(), 2);
    float[] withPhi = features.append(train.x());
    int width = 2 + set.members().size();
    try (Classifier model =
        Classifier.create(
            new Classifier.Architecture(width, 32, 3, 1, Activation.RELU),
            Standardization.fit(width, withPhi),
            3,
            Device.cpu())) {
      ClassifierTrainer.train(
          model,
          new LabeledEvents(withPhi, width, train.labels(), null, null),
          new ClassifierTrainer.Config(800, 256, 3e-3, 4));
      double[] dnn =
          ClassifierTest.accuracy(
              model.logLikelihoodRatio(features.append(test.x()), null, 4096),
              test.x(),
              test.labels(),
              null);
      System.out.printf(
          "T1 CNF classifier (c = 1 pair) accuracy %.4f, DNN on x + Phi %.4f, Bayes %.4f%n",
          cnf[0], dnn[0], dnn[1]);
      assertThat(cnf[0]).isGreaterThan(cnf[1] - 0.04);
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

    double density(boolean signal, int p) {
      return T1.density(signal, points[2 * p], points[2 * p + 1]);
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
