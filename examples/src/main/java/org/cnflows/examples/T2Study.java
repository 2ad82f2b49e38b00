package org.cnflows.examples;

import ai.djl.Device;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.ClassifierTrainer;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.CnfTrainer;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.contrastive.PhiFeatures;
import org.cnflows.flows.Activation;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Devices;
import org.cnflows.flows.Flows;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.stats.toys.ToyT1;
import org.cnflows.stats.toys.ToyT2;
import org.cnflows.stats.toys.ToyT2.Nuisance;

/**
 * The robustness study of Elsharkawy and Kahn 2025, Sec. 5, Table 1 and Fig. 3, on toy T2 ({@link
 * ToyT2}, Eq. 12). Four classifiers:
 *
 * <ol>
 *   <li>a DNN (3 hidden layers of 32 ReLU, binary cross-entropy) on unperturbed data (phi = 0);
 *   <li>a CNF with c = 1 modelling the signal, trained on unperturbed data (Eq. 5, clamp k = -50 on
 *       every contrasted event, {@link ContrastiveLoss#withEventClamp()}), deciding signal where
 *       p_s(x) > 1e-11 in the units of the events; a background CNF with c = 1 is trained alongside
 *       for (iv);
 *   <li>the same DNN on perturbed data: {@code perPhi} events of each class at each of 100 phi on a
 *       regular grid over the scenario's range, input x only;
 *   <li>the same DNN on the perturbed data with the features Phi_s, Phi_b = p / (1 + p) of the two
 *       c = 1 CNFs appended ({@link PhiFeatures}).
 * </ol>
 *
 * Each is evaluated on equal-mixture test sets over phi, with the Bayes decision p_s > p_b of the
 * test set's phi, in the three scenarios of Fig. 3: rotation phi in [0, pi/2], rotation phi in
 * [-pi/5, pi/5], subspace deformation phi in [-pi/5, pi/5]; (iii) and (iv) are trained on each
 * scenario's range, (i) and (ii) once. Two diagnostic columns: the c = 1 CNF pair deciding log
 * p_s,c=1 > log p_b,c=1, and the exact optimum of Eq. (10) at phi = 0, p*_1 = max(p_s - p_b, 0) /
 * lambda_1 (lambda_1 = 0.645), with the same threshold 1e-11: the accuracy the rule of (ii) gives
 * for a perfectly trained CNF.
 *
 * <p>Arguments: {@code [events [cnfSteps [dnnSteps [testEvents [layers [hidden [depth
 * [perPhi]]]]]]]]}: unperturbed training events per class (default 30,000, as in the paper's Fig.
 * 1), CNF steps (batch 512 per class), DNN steps (batch 256), test events per class and phi, the
 * CNF architecture ({@link Flows#gatedQuadratic}: coupling layers, conditioner width and depth) and
 * perturbed events per class and phi (default 100: 10,000 per class).
 */
final class T2Study {

  /** The decision threshold of (ii) on p_s(x) (Sec. 5). */
  static final double CNF_THRESHOLD = 1e-11;

  /** The number of phi values of the perturbed training sets (Table 1). */
  static final int TRAINING_GRID = 100;

  /** The number of phi values of each scenario's test sets. */
  static final int TEST_GRID = 9;

  /**
   * The scale of the study.
   *
   * @param events unperturbed training events per class
   * @param cnfSteps Adam steps of each CNF
   * @param dnnSteps Adam steps of each DNN
   * @param testEvents test events per class and phi
   * @param layers CNF coupling layers
   * @param hidden CNF conditioner width
   * @param depth CNF conditioner hidden layers
   * @param perPhi perturbed training events per class and phi
   * @param cnfLearningRate Adam's learning rate for the CNFs (the paper's 1e-3 by default)
   */
  record Settings(
      int events,
      int cnfSteps,
      int dnnSteps,
      int testEvents,
      int layers,
      int hidden,
      int depth,
      int perPhi,
      double cnfLearningRate) {

    /**
     * The full-scale defaults: the paper's data sizes, and CNFs of 8 couplings with 2 x 32 GELU
     * conditioners (the paper's 30 couplings with 5 x 64, {@code 30 64 5} on the command line, stop
     * with a NaN loss within 30 steps at its learning rate 1e-3 on this toy, and within 200 at
     * 1e-4; see flows-contrastive/README.md, "Toy T2").
     */
    static final Settings FULL = new Settings(30_000, 2000, 5000, 20_000, 8, 32, 2, 100, 1e-3);

    /** Validates the sizes. */
    Settings {
      int[] all = {events, cnfSteps, dnnSteps, testEvents, layers, hidden, depth, perPhi};
      for (int v : all) {
        if (v < 1) {
          throw new IllegalArgumentException(
              "settings " + Arrays.toString(all) + " must all be >= 1; got " + v);
        }
      }
      if (!(cnfLearningRate > 0) || Double.isInfinite(cnfLearningRate)) {
        throw new IllegalArgumentException(
            "cnfLearningRate = " + cnfLearningRate + " must be finite and > 0");
      }
    }

    /** The settings of the command line, with {@link #FULL} for what is not given. */
    static Settings parse(String[] args) {
      int[] v = {
        FULL.events, FULL.cnfSteps, FULL.dnnSteps, FULL.testEvents,
        FULL.layers, FULL.hidden, FULL.depth, FULL.perPhi
      };
      if (args.length > v.length + 1) {
        throw new IllegalArgumentException(
            args.length + " arguments given, at most " + (v.length + 1) + " taken");
      }
      for (int i = 0; i < Math.min(args.length, v.length); i++) {
        v[i] = Integer.parseInt(args[i]);
      }
      double lr =
          args.length > v.length ? Double.parseDouble(args[v.length]) : FULL.cnfLearningRate;
      return new Settings(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], lr);
    }
  }

  /**
   * A nuisance and the range of phi used for training and testing (Fig. 3).
   *
   * @param name a label
   * @param nuisance the deformation
   * @param low lower end of phi
   * @param high upper end of phi
   */
  record Scenario(String name, Nuisance nuisance, double low, double high) {

    /** The i-th of n equally spaced phi values from low to high inclusive. */
    double phi(int i, int n) {
      return low + (high - low) * i / (n - 1);
    }
  }

  /** The three panels of Fig. 3. */
  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario("rotation, large phi", Nuisance.ROTATION, 0, Math.PI / 2),
          new Scenario("rotation, small phi", Nuisance.ROTATION, -Math.PI / 5, Math.PI / 5),
          new Scenario("subspace deformation", Nuisance.SUBSPACE, -Math.PI / 5, Math.PI / 5));

  /**
   * Accuracies (fraction of events classified correctly) on the equal-mixture test set at one phi.
   *
   * @param phi the nuisance value of the test set
   * @param bayes the Bayes decision at phi
   * @param dnn (i)
   * @param cnf (ii), p_s(x) > 1e-11
   * @param dnnPerturbed (iii)
   * @param dnnPhi (iv)
   * @param cnfPair the c = 1 CNF pair, log p_s > log p_b
   * @param idealCnf the exact p*_1 of phi = 0 with the threshold of (ii)
   */
  record Row(
      double phi,
      double bayes,
      double dnn,
      double cnf,
      double dnnPerturbed,
      double dnnPhi,
      double cnfPair,
      double idealCnf) {}

  /** The rows of one scenario. */
  record Result(Scenario scenario, List<Row> rows) {}

  private static final long TRAIN_SIGNAL_SEED = 1;
  private static final long TRAIN_BACKGROUND_SEED = 2;
  private static final long DNN_SEED = 3;
  private static final long CNF_SEED = 4;
  private static final long PERTURBED_SEED = 1000;
  private static final long TEST_SEED = 100_000;

  private T2Study() {}

  static int run(String[] args, PrintStream out) {
    Settings settings = Settings.parse(args);
    long start = System.nanoTime();
    List<Result> results = study(settings, ToyT2.DEFAULT, Devices.fromSystemProperty(), out);
    print(results, out);
    out.printf("T2 study done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /**
   * Trains the four classifiers and measures them on every scenario.
   *
   * @param settings the scale
   * @param toy the toy (its seed fixes B, A, A~)
   * @param device where the networks run
   * @param out progress
   */
  static List<Result> study(Settings settings, ToyT2 toy, Device device, PrintStream out) {
    out.printf("T2 (toy seed %d): %s, device %s%n", toy.seed(), settings, device);
    FeatureMatrix signal =
        FeatureMatrix.of(
            toy.sample(true, Nuisance.ROTATION, 0, settings.events(), TRAIN_SIGNAL_SEED));
    FeatureMatrix background =
        FeatureMatrix.of(
            toy.sample(false, Nuisance.ROTATION, 0, settings.events(), TRAIN_BACKGROUND_SEED));
    long t = System.nanoTime();
    try (Classifier dnn = dnn(signal, background, settings, DNN_SEED, device);
        CnfSet cnfs = cnfs(signal, background, settings, device, out)) {
      out.printf("(i) DNN and (ii) CNFs trained in %.1f s%n", (System.nanoTime() - t) / 1e9);
      PhiFeatures features = new PhiFeatures(cnfs, 8192);
      List<Result> results = new ArrayList<>();
      for (int k = 0; k < SCENARIOS.size(); k++) {
        Scenario scenario = SCENARIOS.get(k);
        t = System.nanoTime();
        FeatureMatrix[] perturbed =
            perturbed(toy, scenario, settings.perPhi(), PERTURBED_SEED * (k + 1));
        try (Classifier plain =
                dnn(perturbed[0], perturbed[1], settings, DNN_SEED + 10L * (k + 1), device);
            Classifier withPhi =
                dnn(
                    features.append(perturbed[0]),
                    features.append(perturbed[1]),
                    settings,
                    DNN_SEED + 10L * (k + 1) + 5,
                    device)) {
          out.printf(
              "%s: (iii) and (iv) trained in %.1f s%n",
              scenario.name(), (System.nanoTime() - t) / 1e9);
          List<Row> rows = new ArrayList<>();
          for (int i = 0; i < TEST_GRID; i++) {
            double phi = scenario.phi(i, TEST_GRID);
            long seed = TEST_SEED + 1000L * k + 10L * i;
            rows.add(
                evaluate(
                    toy, scenario.nuisance(), phi, settings, seed, dnn, features, plain, withPhi));
          }
          results.add(new Result(scenario, rows));
        }
      }
      return results;
    }
  }

  /** The accuracies of every classifier on an equal mixture at phi. */
  private static Row evaluate(
      ToyT2 toy,
      Nuisance nuisance,
      double phi,
      Settings settings,
      long seed,
      Classifier dnn,
      PhiFeatures features,
      Classifier plain,
      Classifier withPhi) {
    int n = settings.testEvents();
    double[][] events = new double[2 * n][];
    System.arraycopy(toy.sample(true, nuisance, phi, n, seed), 0, events, 0, n);
    System.arraycopy(toy.sample(false, nuisance, phi, n, seed + 1), 0, events, n, n);
    FeatureMatrix x = FeatureMatrix.of(events);
    boolean[] bayes = toy.bayesDecision(nuisance, phi, events);
    double[][] logp = features.logDensities(x);
    double[] lrDnn = dnn.logLikelihoodRatio(x, 8192);
    double[] lrPlain = plain.logLikelihoodRatio(x, 8192);
    double[] lrPhi = withPhi.logLikelihoodRatio(features.append(x, PhiFeatures.phiOf(logp)), 8192);
    ToyT2.Gaussian s0 = toy.density(true, nuisance, 0);
    ToyT2.Gaussian b0 = toy.density(false, nuisance, 0);
    double lambda = ToyT1.LAMBDA_C_REFERENCE[1];
    double logThreshold = Math.log(CNF_THRESHOLD);
    int[] correct = new int[7];
    for (int i = 0; i < 2 * n; i++) {
      boolean isSignal = i < n;
      double pStar =
          Math.max(Math.exp(s0.logDensity(events[i])) - Math.exp(b0.logDensity(events[i])), 0)
              / lambda;
      boolean[] decisions = {
        bayes[i],
        lrDnn[i] > 0,
        logp[0][i] > logThreshold,
        lrPlain[i] > 0,
        lrPhi[i] > 0,
        logp[0][i] > logp[1][i],
        pStar > CNF_THRESHOLD
      };
      for (int c = 0; c < decisions.length; c++) {
        correct[c] += decisions[c] == isSignal ? 1 : 0;
      }
    }
    double total = 2.0 * n;
    return new Row(
        phi,
        correct[0] / total,
        correct[1] / total,
        correct[2] / total,
        correct[3] / total,
        correct[4] / total,
        correct[5] / total,
        correct[6] / total);
  }

  /**
   * Signal and background events, {@code perPhi} each at every phi of a {@value #TRAINING_GRID}
   * point grid over the scenario's range, row-major.
   */
  private static FeatureMatrix[] perturbed(ToyT2 toy, Scenario scenario, int perPhi, long seed) {
    double[][][] rows = new double[2][TRAINING_GRID * perPhi][];
    for (int j = 0; j < TRAINING_GRID; j++) {
      double phi = scenario.phi(j, TRAINING_GRID);
      for (int c = 0; c < 2; c++) {
        double[][] part = toy.sample(c == 0, scenario.nuisance(), phi, perPhi, seed + 2L * j + c);
        System.arraycopy(part, 0, rows[c], j * perPhi, perPhi);
      }
    }
    return new FeatureMatrix[] {FeatureMatrix.of(rows[0]), FeatureMatrix.of(rows[1])};
  }

  /** A DNN of Sec. 5 (3 x 32 ReLU, BCE) trained on equal classes. */
  private static Classifier dnn(
      FeatureMatrix signal, FeatureMatrix background, Settings settings, long seed, Device device) {
    FeatureMatrix events = FeatureMatrix.labelled(signal, background);
    Classifier model =
        Classifier.create(
            new Classifier.Architecture(events.dim(), 32, 3, 1, Activation.RELU),
            Standardization.fit(events),
            seed,
            device);
    try {
      ClassifierTrainer.train(
              model,
              events,
              TrainingConfig.builder()
                  .optSteps(settings.dnnSteps())
                  .optBatchSize(256)
                  .optLearningRate(1e-3)
                  .optSeed(seed + 1)
                  .optValidationFraction(0)
                  .optKeepBest(false)
                  .optListener(TrainingListener.NONE)
                  .build())
          .requireSuccess();
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The signal and background CNFs with c = 1 (App. A: Adam, betas 0.9 / 0.999, learning rate 1e-3
   * unless set), with the per-event clamp ({@link ContrastiveLoss#withEventClamp()}: with the
   * paper's batch clamp alone a few background events sent into the tails pull the loss below k,
   * after which training freezes or, through Adam's momentum, runs away), trained on all events and
   * kept at their last step ({@code optKeepBest(false)}: a clamped loss ties at k).
   */
  private static CnfSet cnfs(
      FeatureMatrix signal,
      FeatureMatrix background,
      Settings settings,
      Device device,
      PrintStream out) {
    out.printf(
        "training the c = 1 signal and background CNFs: %d gated-affine/quadratic layers, "
            + "conditioners %d x %d GELU, %d steps of 512 events per class, learning rate %g%n",
        settings.layers(),
        settings.depth(),
        settings.hidden(),
        settings.cnfSteps(),
        settings.cnfLearningRate());
    return CnfTrainer.train(
        signal,
        background,
        List.of(
            new CnfTrainer.Spec("s_c1", ContrastiveLoss.signal(1).withEventClamp()),
            new CnfTrainer.Spec("b_c1", ContrastiveLoss.background(1).withEventClamp())),
        seed ->
            Flows.gatedQuadratic(
                    ToyT2.DIM, 0, settings.layers(), settings.hidden(), settings.depth())
                .optDevice(device)
                .optSeed(seed)
                .build(),
        TrainingConfig.builder()
            .optSteps(settings.cnfSteps())
            .optBatchSize(512)
            .optLearningRate(settings.cnfLearningRate())
            .optValidationFraction(0)
            .optEvaluateEvery(Math.max(1, settings.cnfSteps() / 5))
            .optKeepBest(false)
            .optSeed(CNF_SEED)
            .optListener(new ConsoleProgress(out))
            .build());
  }

  /** Prints one table per scenario. */
  static void print(List<Result> results, PrintStream out) {
    for (Result r : results) {
      Scenario s = r.scenario();
      out.printf(
          "%n%s (%s), phi in [%.4f, %.4f]: accuracy on equal mixtures%n",
          s.name(), s.nuisance(), s.low(), s.high());
      out.println("phi       Bayes   (i)DNN  (ii)CNF (iii)DNN (iv)DNN+Phi  CNF-pair  p*_1>1e-11");
      for (Row row : r.rows()) {
        out.printf(
            "%-9.4f %-7.4f %-7.4f %-7.4f %-8.4f %-11.4f %-9.4f %.4f%n",
            row.phi(),
            row.bayes(),
            row.dnn(),
            row.cnf(),
            row.dnnPerturbed(),
            row.dnnPhi(),
            row.cnfPair(),
            row.idealCnf());
      }
    }
  }
}
