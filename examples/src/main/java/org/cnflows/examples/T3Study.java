package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.ClassifierTrainer;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Batch;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LearningRateSchedule;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.stats.coverage.CoverageReport;
import org.cnflows.stats.coverage.CoverageStudy;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.MixtureGridProfile;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT3;

/**
 * The thesis's two learned likelihoods on toy T3 side by side with the true one (Sluijter, Sec.
 * 3.1.1, 3.2 and 4.1), end to end through cnflows.
 *
 * <ul>
 *   <li>Flow method (Sec. 3.2.2): conditional flows p_s(x | z) and p_b(x | z) ({@link
 *       Flows#thesisSpline}: 4 masked rational-quadratic autoregressive layers, context z) trained
 *       by maximum likelihood on events with z ~ U[0, pi/2].
 *   <li>Classifier method (Sec. 2.3.3, 3.2.1): two parameterized classifiers (3 hidden layers of
 *       120, ReLU, inputs (x, z)) trained by {@link ClassifierTrainer#trainParameterized}:
 *       positives from the z-varied signal (or background) events, negatives from the reference set
 *       at z0 = pi/4 (half signal, half background) carrying the positives' z. Their logits
 *       estimate ln[2 p_s(x | z) / (p_s(x | z0) + p_b(x | z0))] and the same for p_b (Eq. 2.8):
 *       both share the per-event denominator, which is constant in (mu, z) and drops out of the
 *       likelihood ratio, so the logits enter the mixture NLL in place of ln p_s and ln p_b.
 *   <li>True likelihood: the Gaussian densities themselves.
 * </ul>
 *
 * <p>Both learned methods see the same training events. Each dataset of 1000 events at one of the 9
 * test points (mu, z) is profiled by {@link MixtureGridProfile} on 61 z values in [0.1 pi, 0.4 pi]:
 * the 68.3% Wilks intervals of mu (z profiled) and of z (mu profiled), NLL_p - min &lt; 0.5.
 *
 * <p>Arguments: {@code [large|small [datasetsPerPoint [flowSteps [classifierSteps]]]]}, defaults
 * large, 20, 3000, 10000.
 */
final class T3Study {

  static final int EVENTS = 1000;
  static final double Z0 = Math.PI / 4;
  static final double[] Z_GRID = new double[61];

  static {
    for (int k = 0; k < Z_GRID.length; k++) {
      Z_GRID[k] = Math.PI * (0.1 + 0.3 * k / 60);
    }
  }

  /**
   * The scale of a study.
   *
   * @param toy the distance r of the toy
   * @param datasetsPerPoint datasets at each of the 9 test points
   * @param trainingEvents events per class in the z-varied training sets (and per class in the z0
   *     reference set)
   * @param flowSteps Adam steps per flow
   * @param classifierSteps Adam steps per classifier
   */
  record Settings(
      ToyT3 toy, int datasetsPerPoint, int trainingEvents, int flowSteps, int classifierSteps) {

    Settings {
      if (datasetsPerPoint < 1 || trainingEvents < 1 || flowSteps < 1 || classifierSteps < 1) {
        throw new IllegalArgumentException(
            "datasets per point = "
                + datasetsPerPoint
                + ", training events = "
                + trainingEvents
                + ", flow steps = "
                + flowSteps
                + ", classifier steps = "
                + classifierSteps
                + ": all must be >= 1");
      }
    }
  }

  /**
   * One likelihood's results on the study's datasets.
   *
   * @param name the method
   * @param mu the mu outcomes, dataset by dataset
   * @param z the z outcomes of the same datasets
   * @param probabilityError RMS over held-out events at the 3 test z of the error of the signal
   *     probability p_s / (p_s + p_b)
   */
  record Method(
      String name,
      List<CoverageStudy.Outcome> mu,
      List<CoverageStudy.Outcome> z,
      double probabilityError) {}

  /** Per-event ln p_s(x | z) and ln p_b(x | z) (up to a common per-event term) on the z grid. */
  @FunctionalInterface
  interface Likelihood {
    LogDensities[] onGrid(double[][] events);
  }

  private T3Study() {}

  static int run(String[] args, PrintStream out) {
    ToyT3 toy = args.length > 0 && args[0].equals("small") ? ToyT3.SMALL : ToyT3.LARGE;
    Settings settings =
        new Settings(
            toy,
            args.length > 1 ? Integer.parseInt(args[1]) : 20,
            50_000,
            args.length > 2 ? Integer.parseInt(args[2]) : 3000,
            args.length > 3 ? Integer.parseInt(args[3]) : 10_000);
    List<Method> methods = study(settings, Devices.fromSystemProperty(), out);
    int trials = 9 * settings.datasetsPerPoint();
    out.printf(
        "T3 r = %.1f: %d datasets of %d events on the 9-point (mu, z) grid%n",
        toy.r(), trials, EVENTS);
    out.println(
        "method           mu coverage  mu width  mu RMSE   z coverage  z width  p_s/(p_s+p_b) error");
    for (Method m : methods) {
      CoverageReport mu = CoverageStudy.report(m.mu());
      CoverageReport z = CoverageStudy.report(m.z());
      out.printf(
          "%-16s %.3f        %.4f    %.4f    %.3f       %.4f   %.4f%n",
          m.name(),
          mu.coverage(),
          mu.meanWidth(),
          mu.rmse(),
          z.coverage(),
          z.meanWidth(),
          m.probabilityError());
    }
    out.printf(
        "2-sigma band of 0.6827 for %d datasets: +-%.3f%n",
        trials, 2 * Math.sqrt(0.6827 * 0.3173 / trials));
    return 0;
  }

  /** Trains both learned likelihoods and profiles every dataset with each method and the truth. */
  static List<Method> study(Settings s, Device device, PrintStream out) {
    ToyT3 toy = s.toy();
    out.printf(
        "T3 r = %.1f: %d training events per class, z ~ U[0, pi/2]%n", toy.r(), s.trainingEvents());
    FeatureMatrix signal = trainingSet(toy, true, s.trainingEvents(), 11);
    FeatureMatrix background = trainingSet(toy, false, s.trainingEvents(), 12);
    FeatureMatrix reference = referenceSet(toy, s.trainingEvents(), 13);
    try (Flow ps = trainFlow(signal, 1, s.flowSteps(), device, out);
        Flow pb = trainFlow(background, 2, s.flowSteps(), device, out);
        Classifier cs = trainClassifier(signal, reference, 3, s.classifierSteps(), device, out);
        Classifier cb =
            trainClassifier(background, reference, 4, s.classifierSteps(), device, out)) {
      List<Method> methods = new ArrayList<>();
      methods.add(profileAll("flow", events -> flowGrid(ps, pb, events), s, out));
      methods.add(profileAll("classifier", events -> classifierGrid(cs, cb, events), s, out));
      methods.add(profileAll("true likelihood", events -> trueGrid(toy, events), s, out));
      return methods;
    }
  }

  /** Profiles each dataset with one likelihood; dataset i is the same for every method. */
  private static Method profileAll(
      String name, Likelihood likelihood, Settings s, PrintStream out) {
    ToyT3 toy = s.toy();
    int trials = 9 * s.datasetsPerPoint();
    List<CoverageStudy.Outcome> mu = new ArrayList<>();
    List<CoverageStudy.Outcome> z = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      double trueMu = ToyT3.MU_TEST[i % 3];
      double trueZ = ToyT3.Z_TEST[(i / 3) % 3];
      double[][] events = toy.generate(EVENTS, trueMu, trueZ, new SplittableRandom(1000 + i));
      MixtureGridProfile profile = new MixtureGridProfile(Z_GRID, likelihood.onGrid(events));
      Interval im = profile.muInterval(0.5, 0, 0.5);
      Interval iz = profile.zInterval(0.5, 0, 0.5);
      mu.add(new CoverageStudy.Outcome(trueMu, im.estimate(), im));
      z.add(new CoverageStudy.Outcome(trueZ, iz.estimate(), iz));
      if ((i + 1) % Math.max(1, trials / 5) == 0 || i + 1 == trials) {
        out.printf("%s: profiled %d/%d datasets%n", name, i + 1, trials);
      }
    }
    return new Method(name, mu, z, probabilityError(likelihood, toy));
  }

  /**
   * RMS over 3000 held-out events (1000 per test z, half signal) of the error of the learned signal
   * probability p_s / (p_s + p_b) = 1 / (1 + exp(ln p_b - ln p_s)) at the grid value nearest the
   * event's z. Unlike the log-ratio, it weighs errors where both classes matter, not in a class's
   * far tail, which no dataset's likelihood feels.
   */
  private static double probabilityError(Likelihood likelihood, ToyT3 toy) {
    double sum = 0;
    int n = 0;
    for (int t = 0; t < 3; t++) {
      double z = ToyT3.Z_TEST[t];
      int k = nearestGridIndex(z);
      double[][] events = toy.generate(EVENTS, 1, z, new SplittableRandom(77 + t));
      LogDensities learned = likelihood.onGrid(events)[k];
      LogDensities truth = toy.logDensities(events, Z_GRID[k]);
      for (int i = 0; i < events.length; i++) {
        double d =
            signalProbability(learned.logSignal()[i], learned.logBackground()[i])
                - signalProbability(truth.logSignal()[i], truth.logBackground()[i]);
        sum += d * d;
        n++;
      }
    }
    return Math.sqrt(sum / n);
  }

  private static double signalProbability(double logSignal, double logBackground) {
    return 1 / (1 + Math.exp(logBackground - logSignal));
  }

  private static int nearestGridIndex(double z) {
    int best = 0;
    for (int k = 1; k < Z_GRID.length; k++) {
      best = Math.abs(Z_GRID[k] - z) < Math.abs(Z_GRID[best] - z) ? k : best;
    }
    return best;
  }

  /** Events of one class with z ~ U[0, pi/2], with their z as context. */
  static FeatureMatrix trainingSet(ToyT3 toy, boolean isSignal, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] rows = new double[n][];
    float[] z = new float[n];
    for (int i = 0; i < n; i++) {
      double zi = random.nextDouble() * Math.PI / 2;
      BivariateGaussian g = isSignal ? toy.signal(zi) : toy.background(zi);
      rows[i] = g.sample(1, random)[0];
      z[i] = (float) zi;
    }
    return FeatureMatrix.of(rows).withContext(z, List.of("z"));
  }

  /** n signal then n background events at z0. */
  private static FeatureMatrix referenceSet(ToyT3 toy, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] rows = new double[2 * n][];
    System.arraycopy(toy.signal(Z0).sample(n, random), 0, rows, 0, n);
    System.arraycopy(toy.background(Z0).sample(n, random), 0, rows, n, n);
    return FeatureMatrix.of(rows);
  }

  /** Fits p(x | z) for one class by maximum likelihood. */
  private static Flow trainFlow(
      FeatureMatrix events, long seed, int steps, Device device, PrintStream out) {
    Flow flow = Flows.thesisSpline(2, 1).optDevice(device).optSeed(seed).build();
    out.println(seed == 1 ? "signal flow p_s(x | z):" : "background flow p_b(x | z):");
    Trainer.fit(
        flow,
        events,
        TrainingConfig.builder()
            .optSteps(steps)
            .optBatchSize(512)
            .optLearningRate(1e-3)
            .optEvaluateEvery(Math.max(1, steps / 5))
            .optSeed(seed + 2)
            .optListener(new ConsoleProgress(out))
            .build());
    return flow;
  }

  /** Trains the parameterized classifier of one class (thesis Sec. 3.2.1, 3 x 120 ReLU). */
  private static Classifier trainClassifier(
      FeatureMatrix events,
      FeatureMatrix reference,
      long seed,
      int steps,
      Device device,
      PrintStream out) {
    Standardization standardization = Standardization.fit(events.contextAsColumns());
    Classifier classifier =
        Classifier.create(
            new Classifier.Architecture(3, 120, 3, 1, Activation.RELU),
            standardization,
            seed,
            device);
    out.printf("%s classifier: %d steps%n", seed == 3 ? "signal" : "background", steps);
    List<TrainingListener.Evaluation> losses =
        ClassifierTrainer.trainParameterized(
                classifier,
                events,
                reference,
                TrainingConfig.builder()
                    .optSteps(steps)
                    .optBatchSize(256)
                    .optLearningRate(1e-3)
                    .optSchedule(LearningRateSchedule.COSINE)
                    .optSeed(seed + 10)
                    .optValidationFraction(0)
                    .optKeepBest(false)
                    .optListener(TrainingListener.NONE)
                    .build())
            .requireSuccess()
            .history();
    out.printf(
        "  loss first 100 steps %.4f, last 100 steps %.4f%n",
        losses.get(0).trainLoss(), losses.get(losses.size() - 1).trainLoss());
    return classifier;
  }

  /**
   * One LogDensities per grid value from the K signal then K background columns of an evaluation.
   */
  private static LogDensities[] split(double[][] columns) {
    LogDensities[] out = new LogDensities[Z_GRID.length];
    for (int k = 0; k < Z_GRID.length; k++) {
      out[k] = new LogDensities(columns[k], columns[Z_GRID.length + k]);
    }
    return out;
  }

  /** The flows' ln p_s(x | z_k) and ln p_b(x | z_k) for every grid value, in one evaluation. */
  static LogDensities[] flowGrid(Flow signal, Flow background, double[][] events) {
    List<EventFunction> functions = new ArrayList<>();
    for (Flow flow : List.of(signal, background)) {
      for (double z : Z_GRID) {
        functions.add(EventFunction.logProbAt(flow, new float[] {(float) z}));
      }
    }
    return split(
        new BatchEvaluator(signal.device(), 8192)
            .evaluateToDouble(FeatureMatrix.of(events), functions));
  }

  /** The classifiers' logits at (x, z_k), the ln p(x | z) of each class up to a shared term. */
  static LogDensities[] classifierGrid(
      Classifier signal, Classifier background, double[][] events) {
    List<EventFunction> functions = new ArrayList<>();
    for (Classifier classifier : List.of(signal, background)) {
      EventFunction logit = classifier.logit();
      for (double z : Z_GRID) {
        functions.add(
            b -> {
              long rows = b.x().getShape().get(0);
              NDArray zs = b.x().getManager().full(new Shape(rows, 1), (float) z);
              return logit.apply(new Batch(b.x().concat(zs, 1), null, null));
            });
      }
    }
    return split(
        new BatchEvaluator(signal.device(), 8192)
            .evaluateToDouble(FeatureMatrix.of(events), functions));
  }

  private static LogDensities[] trueGrid(ToyT3 toy, double[][] events) {
    LogDensities[] out = new LogDensities[Z_GRID.length];
    for (int k = 0; k < Z_GRID.length; k++) {
      out[k] = toy.logDensities(events, Z_GRID[k]);
    }
    return out;
  }
}
