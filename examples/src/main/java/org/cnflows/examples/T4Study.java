package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.cnflows.common.Directories;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.examples.plots.Chart;
import org.cnflows.flows.Activation;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.LearningRateSchedule;
import org.cnflows.flows.Objective;
import org.cnflows.flows.ResidualFlow;
import org.cnflows.flows.SplineTransform;
import org.cnflows.flows.Trainable;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.profiling.DoiModel;
import org.cnflows.profiling.FlowMixtureNll;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Impact;
import org.cnflows.stats.NegLogLikelihood;
import org.cnflows.stats.Parameter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.UncertaintyModes;
import org.cnflows.stats.coverage.BootstrapCoverage;
import org.cnflows.stats.models.LogDensities;
import org.cnflows.stats.models.UnbinnedMixtureNll;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT4;

/**
 * Toy T4 end to end (Valsecchi, Donega and Wallny, arXiv 2602.13184; docs/toy-t4.md): nominal flows
 * p(x | c) and p(y | x, c) trained on simulation, factorizable residuals trained from the +-1 sigma
 * templates of each nuisance (base frozen), the learned deformations checked against the closed
 * form, then the distribution-of-interest fit on distorted data with nu = (+0.5, -0.5): T, nu and
 * the class fractions trained jointly (step 1), nu and the yield ratio refitted with T frozen by
 * inference-stats' fitter, covariance, eigen-modes ("pulls") drawn as displacement fields, impacts
 * of the nuisances on the yield ratio, a Poisson bootstrap, and the true likelihood of the same
 * data beside every figure.
 */
final class T4Study {

  static final List<String> NAMES = List.of(ToyT4.NUISANCES);
  static final double[] NU_GRID = {-1.5, -1, -0.5, 0.5, 1, 1.5};

  /**
   * The scale of a study.
   *
   * @param nominalEvents simulated events at nu = 0 for the nominal flows
   * @param templateEvents events per template (4 one-nuisance templates, 4 more at the corners)
   * @param dataEvents events of the "data" at the reference nu
   * @param flowSteps Adam steps per nominal flow
   * @param residualSteps Adam steps per residual
   * @param flowAverage the share of the last steps of each simulation flow's training (nominal
   *     flows and residuals) whose parameters it ends with the mean of, in [0, 1); 0 ends on the
   *     last step
   * @param doiSteps Adam steps of the joint fit of T, nu and the fractions
   * @param doiWarmup Adam steps of T and the fractions with nu held at its start, before the joint
   *     fit (0 for none)
   * @param profileSteps Adam steps of the amortized profiling (step 2) on the Gauss-Legendre grid
   * @param profileAverage the share of the last steps of step 2 (and of the bootstrap members'
   *     refits of it) whose parameters the profiling flow ends with the mean of, in [0, 1); 0 ends
   *     on the last step
   * @param profileRepeats trainings of step 2 with other seeds (1 for one): with more, the
   *     amortized likelihood is the mean of theirs, and their minima's spread, the training's
   *     noise, is printed
   * @param profileFromTransport start step 2 at its closed form, the profiling flow placed before
   *     T's transport along the y residual ({@link DoiModel#profiledFromTransport}); else after T
   *     frozen, the identity at start ({@link DoiModel#profiled})
   * @param profileWidth the half-width of step 2's Gauss-Legendre region in sigmas of the T-frozen
   *     fit, positive
   * @param refineDoi train T with the profiling flow in step 2 and in the bootstrap members' step-2
   *     refits ({@link DoiModel#refineDoi}); else T stays as step 1 fitted it
   * @param batchSize events per Adam step of every stage
   * @param newtonSteps Newton steps of each flow fit (T frozen; amortized)
   * @param scanPoints points of each profile scan over +-2 sigma
   * @param bootstrapMembers Poisson-bootstrap members (0 for none)
   * @param bootstrapSteps Adam steps of each member's refits of T and of the profiling flow (from
   *     the data's)
   * @param cornerTemplates also train on the 4 templates with both nuisances at +-1 (cross terms)
   * @param startAtKinematics start step 1 at the fit of the learned kinematics alone (else nu = 0)
   * @param schedule the step size over each training (cosine: annealed to zero at the last step, so
   *     the parameters end at a minimum instead of jittering about it)
   * @param seed master seed
   * @param simulationDirectory where the trained simulation is kept ({@link T4SimulationStore}):
   *     loaded if it holds one trained with these options, else trained and saved there; null to
   *     train it every time and keep nothing
   */
  record Settings(
      int nominalEvents,
      int templateEvents,
      int dataEvents,
      int flowSteps,
      int residualSteps,
      double flowAverage,
      int doiSteps,
      int doiWarmup,
      int profileSteps,
      double profileAverage,
      int profileRepeats,
      boolean profileFromTransport,
      double profileWidth,
      boolean refineDoi,
      int batchSize,
      int newtonSteps,
      int scanPoints,
      int bootstrapMembers,
      int bootstrapSteps,
      boolean cornerTemplates,
      boolean startAtKinematics,
      LearningRateSchedule schedule,
      long seed,
      Path simulationDirectory) {
    Settings {
      if (nominalEvents < 10 || templateEvents < 10 || dataEvents < 10) {
        throw new IllegalArgumentException(
            "nominal = "
                + nominalEvents
                + ", template = "
                + templateEvents
                + ", data = "
                + dataEvents
                + " events: each must be >= 10");
      }
      if (flowSteps < 1
          || residualSteps < 1
          || doiSteps < 1
          || profileSteps < 1
          || bootstrapSteps < 1) {
        throw new IllegalArgumentException(
            "steps "
                + flowSteps
                + ", "
                + residualSteps
                + ", "
                + doiSteps
                + ", "
                + profileSteps
                + ", "
                + bootstrapSteps
                + ": all must be >= 1");
      }
      if (!(flowAverage >= 0 && flowAverage < 1)) {
        throw new IllegalArgumentException(
            "flow average = " + flowAverage + " (must be in [0, 1))");
      }
      if (!(profileAverage >= 0 && profileAverage < 1) || profileRepeats < 1) {
        throw new IllegalArgumentException(
            "profile average = "
                + profileAverage
                + " (must be in [0, 1)), repeats = "
                + profileRepeats
                + " (must be >= 1)");
      }
      if (!(profileWidth > 0) || Double.isInfinite(profileWidth)) {
        throw new IllegalArgumentException(
            "profile width = " + profileWidth + " sigmas must be finite and > 0");
      }
      if (batchSize < 2) {
        throw new IllegalArgumentException("batch size = " + batchSize + " must be >= 2");
      }
      if (newtonSteps < 1 || scanPoints < 3) {
        throw new IllegalArgumentException(
            "Newton steps = "
                + newtonSteps
                + " (must be >= 1), scan points = "
                + scanPoints
                + " (must be >= 3)");
      }
      if (doiWarmup < 0) {
        throw new IllegalArgumentException("DOI warm-up steps = " + doiWarmup + " < 0");
      }
      if (bootstrapMembers < 0) {
        throw new IllegalArgumentException("bootstrap members = " + bootstrapMembers + " < 0");
      }
    }
  }

  /**
   * RMS over nominal events (both classes) and a nu grid of the error of the learned log p(. | c,
   * nu) - log p(. | c, 0) against the closed form, in nats: kinematics x and features y, with one
   * nuisance moved (as trained) and with both (off the axes); and the RMS of the true change on the
   * axes, the error of a residual that learned nothing (the identity).
   */
  record Deformation(
      double xOnAxes,
      double yOnAxes,
      double xBoth,
      double yBoth,
      double xIdentity,
      double yIdentity) {}

  /** A fit of (ratio, nu_shift, nu_squeeze): values and errors in that order. */
  record Fit(double[] values, double[] errors, String status, double seconds) {
    double nu(int k) {
      return values[k + 1];
    }

    double error(int k) {
      return errors[k + 1];
    }
  }

  /**
   * The fits of one data set, each of (ratio, nu_shift, nu_squeeze).
   *
   * @param truth the true likelihood (x and y, the distortion removed exactly): the limit with a
   *     known distortion
   * @param truthX the true likelihood of x alone: the limit when the DOI is free (it can absorb
   *     every effect of nu on y)
   * @param truth32 the true likelihood with float32 per-event densities, one Newton step from the
   *     truth's minimum: the rounding noise of a float32 likelihood
   * @param flowX the learned p(x | c, nu) alone: the bias of the kinematic densities
   * @param joint nu and the fractions of the joint gradient-descent fit of T (step 1; no errors)
   * @param frozen the flow likelihood with T frozen at step 1 (Newton steps from the joint fit)
   * @param transported the profile over the DOI in closed form: the learned kinematics with the y
   *     part held where step 1 fitted T ({@link T4Study#transportedNll})
   * @param amortized the flow likelihood with T frozen and the amortized profiling flow (step 2):
   *     the profile over the DOI
   */
  record Measurement(
      Fit truth,
      Fit truthX,
      Fit truth32,
      Fit flowX,
      Fit joint,
      Fit frozen,
      Fit transported,
      Fit transportedTrueX,
      Fit amortized,
      FeatureCheck features) {
    List<Fit> all() {
      return List.of(
          truth, truthX, truth32, flowX, joint, frozen, transported, transportedTrueX, amortized);
    }

    static final List<String> LABELS =
        List.of(
            "true likelihood",
            "true, x alone",
            "true, float32",
            "flow, x alone",
            "flow, joint (step 1)",
            "flow, T frozen",
            "flow, T transported",
            "true x, T transported",
            "flow, amortized");
  }

  /**
   * The y model alone, at the injected nu: fits of the true p(x | c, nu) with the y part of each
   * class held (its density at the injected nu, the data's distortion removed exactly), so that y
   * enters only through the class posteriors. With the true p(y | x, c) this sits near the true
   * x-only fit; the learned nominal y flow with the true deformation measures the nominal flow, the
   * learned p(y | x, c, nu) adds the y residual. A y model whose classes are wrong tilts the
   * posteriors and with them nu, even with the DOI exact.
   *
   * <p>Two more fits let y's density move with nu, the distortion still removed exactly: the true x
   * with the learned p(y | x, c, nu) (against the true likelihood: the y model's dependence on nu),
   * and the learned x and y together, the flow likelihood with a perfect DOI: where step 1 would
   * land if T were the data's distortion undone.
   */
  record FeatureCheck(Fit trueY, Fit learnedBase, Fit learned, Fit learnedMoving, Fit exactDoi) {
    static final List<String> HELD =
        List.of(
            "true x, true y held",
            "true x, learned nominal y with the true deformation, held",
            "true x, learned y held");
    static final List<String> MOVING =
        List.of("true x, learned y at nu", "learned x and y at nu (the DOI exact)");

    List<Fit> held() {
      return List.of(trueY, learnedBase, learned);
    }

    List<Fit> moving() {
      return List.of(learnedMoving, exactDoi);
    }

    List<Fit> all() {
      return List.of(trueY, learnedBase, learned, learnedMoving, exactDoi);
    }
  }

  /**
   * The profile of one nuisance (the other parameters profiled) on a common grid around the true
   * x-only estimate, +-2 of its sigma: 2 Delta NLL of the amortized flow likelihood, of the true
   * likelihood, of the true likelihood of x alone and of the learned kinematics alone (what the
   * amortized profile can reach at best: it is the x part of the flow likelihood), each against its
   * own minimum.
   */
  record Scan(
      String name,
      double[] grid,
      double[] flow,
      double[] truth,
      double[] truthX,
      double[] flowX,
      double[] transported,
      double[] bootstrap) {
    /** max over the grid of |a - b| where both are defined (NaN if nowhere). */
    static double maxDifference(double[] a, double[] b) {
      double m = Double.NaN;
      for (int i = 0; i < a.length; i++) {
        double d = Math.abs(a[i] - b[i]);
        if (!Double.isNaN(d)) {
          m = Double.isNaN(m) ? d : Math.max(m, d);
        }
      }
      return m;
    }

    /** The points of the flow's curve that are defined (inside the amortized region). */
    int defined() {
      return (int) Arrays.stream(flow).filter(Double::isFinite).count();
    }
  }

  /** Everything a study measured. */
  record Report(
      Deformation deformation,
      Measurement fits,
      List<Scan> scans,
      BootstrapSummary bootstrap,
      UncertaintyModes modes,
      List<Impact> impacts,
      double seconds) {}

  private T4Study() {}

  /**
   * The learned p(x | c, nu) alone against the true p(x | c, nu) on the same data sets: with a free
   * DOI nu is measured by the kinematics (docs), so the difference flow - truth on the same events
   * is the bias of the method that no amount of data removes; its mean and spread over data sets.
   *
   * <p>Two more fits split the flow's offset: the learned nominal flow with the true deformation
   * (its offset is the nominal flow's part, the rest the residual's) and the Gaussians of the
   * simulated nominal events with the true deformation (the part of the simulation's statistics
   * that a perfect nominal flow would keep).
   *
   * @return data set x {flow nu_s, nu_q, truth nu_s, nu_q, flow errors, truth errors, learned
   *     nominal with true deformation nu_s, nu_q, simulation's Gaussians nu_s, nu_q}
   */
  static double[][] kinematicsStudy(Settings s, int dataSets, Device device, PrintStream out) {
    long start = System.nanoTime();
    double[] nu = ToyT4.REFERENCE_NU;
    double[][] rows = new double[dataSets][];
    ToyT4.Events nominal = nominalEvents(s);
    try (Simulation sim = simulate(s, device, out, false)) {
      BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
      for (int t = 0; t < dataSets; t++) {
        ToyT4.Events data =
            ToyT4.generate(s.dataEvents(), nu[0], nu[1], false, Seeds.rng(s.seed(), 100, t));
        FitResult truth = truthFit(trueMixtureNll(data, false));
        Fit tx = fitOf(truth, 0);
        long t0 = System.nanoTime();
        double[] steps = {0.02, 0.5 * tx.error(0), 0.5 * tx.error(1)};
        Fit fx = fitOf(kinematicsFit(sim, data, evaluator, truth, steps), seconds(t0));
        Fit fb =
            fitOf(
                fromTruth(trueDeformationNll(data, learnedNominal(sim, evaluator)), truth, steps),
                0);
        Fit fg =
            fitOf(fromTruth(trueDeformationNll(data, sampleNominal(nominal)), truth, steps), 0);
        rows[t] =
            new double[] {
              fx.nu(0),
              fx.nu(1),
              tx.nu(0),
              tx.nu(1),
              fx.error(0),
              fx.error(1),
              tx.error(0),
              tx.error(1),
              fb.nu(0),
              fb.nu(1),
              fg.nu(0),
              fg.nu(1)
            };
        out.printf(
            "data set %d: flow x %+.4f +- %.4f, %+.4f +- %.4f; truth x %+.4f +- %.4f, %+.4f +- %.4f;"
                + " flow - truth %+.4f, %+.4f; learned nominal flow with the true deformation -"
                + " truth %+.4f, %+.4f; the simulation's Gaussians with it - truth %+.4f, %+.4f"
                + " (%.0f s)%n",
            t,
            fx.nu(0),
            fx.error(0),
            fx.nu(1),
            fx.error(1),
            tx.nu(0),
            tx.error(0),
            tx.nu(1),
            tx.error(1),
            fx.nu(0) - tx.nu(0),
            fx.nu(1) - tx.nu(1),
            fb.nu(0) - tx.nu(0),
            fb.nu(1) - tx.nu(1),
            fg.nu(0) - tx.nu(0),
            fg.nu(1) - tx.nu(1),
            fx.seconds());
      }
    }
    // each figure is column a minus column b on the same data set
    String[] figures = {
      "flow - truth (x alone)",
      "the nominal flow's part: learned nominal flow with the true deformation - truth",
      "of which the simulation's statistics: its Gaussians with the true deformation - truth",
      "the residual's part: flow - learned nominal flow with the true deformation"
    };
    int[][] columns = {{0, 2}, {8, 2}, {10, 2}, {0, 8}};
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < figures.length; j++) {
        double[] d = new double[dataSets];
        for (int t = 0; t < dataSets; t++) {
          d[t] = rows[t][columns[j][0] + k] - rows[t][columns[j][1] + k];
        }
        double[] ms = meanAndSd(d);
        out.printf(
            "%s: %s %+.4f +- %.4f (spread %.4f over %d data sets; truth sigma %.4f)%n",
            NAMES.get(k),
            figures[j],
            ms[0],
            ms[1] / Math.sqrt(dataSets),
            ms[1],
            dataSets,
            rows[0][k + 6]);
      }
    }
    out.printf("total %.0f s%n", (System.nanoTime() - start) / 1e9);
    return rows;
  }

  static void print(Report r, PrintStream out) {
    Deformation d = r.deformation();
    out.printf(
        "deformation RMS (nats): x %.4f, y %.4f (one nuisance moved); x %.4f, y %.4f (both);"
            + " identity x %.4f, y %.4f%n",
        d.xOnAxes(), d.yOnAxes(), d.xBoth(), d.yBoth(), d.xIdentity(), d.yIdentity());
    printFits(r.fits(), out);
    printFeatureCheck(r.fits().features(), out);
    BootstrapSummary b = r.bootstrap();
    if (b != null) {
      out.printf(
          "bootstrap (mean, spread) %+.4f +- %.4f   %+.4f +- %.4f%n",
          b.mean()[1], b.sd()[1], b.mean()[2], b.sd()[2]);
      out.printf(
          "bootstrap, combined      %+.4f +- %.4f   %+.4f +- %.4f (%s)%n",
          b.combined().nu(0),
          b.combined().error(0),
          b.combined().nu(1),
          b.combined().error(1),
          b.combined().status());
    }
    out.println(
        "reference (authors): single +0.476 / -0.528; bootstrap 0.486 +- 0.009 / -0.523 +- 0.011");
    for (Scan scan : r.scans()) {
      out.printf(
          "profile of %s over +-2 sigma(x) (%d of %d points in the amortized region): max |2 Delta"
              + " NLL flow - truth| %.3f, - truth(x) %.3f; learned kinematics alone - truth(x)"
              + " %.3f; T transported - truth(x) %.3f%n",
          scan.name(),
          scan.defined(),
          scan.grid().length,
          Scan.maxDifference(scan.flow(), scan.truth()),
          Scan.maxDifference(scan.flow(), scan.truthX()),
          Scan.maxDifference(scan.flowX(), scan.truthX()),
          Scan.maxDifference(scan.transported(), scan.truthX()));
      if (scan.bootstrap() != null) {
        out.printf(
            "  bootstrap members' mean likelihood - truth(x): max |2 Delta NLL| %.3f%n",
            Scan.maxDifference(scan.bootstrap(), scan.truthX()));
      }
      for (int i = 0; i < scan.grid().length; i++) {
        out.printf(
            "  %s = %+.4f: 2 Delta NLL flow %6.3f, truth %6.3f, truth(x) %6.3f, flow(x) %6.3f,"
                + " transported %6.3f%s%n",
            scan.name(),
            scan.grid()[i],
            scan.flow()[i],
            scan.truth()[i],
            scan.truthX()[i],
            scan.flowX()[i],
            scan.transported()[i],
            scan.bootstrap() == null
                ? ""
                : String.format(", bootstrap %6.3f", scan.bootstrap()[i]));
      }
    }
    double[] var = r.modes().variances();
    double[][] dir = r.modes().directions();
    for (int k = 0; k < var.length; k++) {
      out.printf(
          "mode %d: sigma %.4f along %s %s%n",
          k, Math.sqrt(var[k]), r.modes().names(), Arrays.toString(round(dir[k])));
    }
    for (Impact i : r.impacts()) {
      out.printf(
          "impact of %s (sigma %.4f) on the ratio: %+.5f / %+.5f%n",
          i.name(), i.sigma(), i.plus(), i.minus());
    }
    out.printf("total %.0f s%n", r.seconds());
  }

  private static void printFits(Measurement m, PrintStream out) {
    out.println("fit                     nu_shift            nu_squeeze          ratio A/B   time");
    printRows(Measurement.LABELS, m.all(), 22, out);
  }

  private static void printFeatureCheck(FeatureCheck check, PrintStream out) {
    out.printf(
        "the y model alone (y held at the injected nu = %s, the distortion removed exactly):%n",
        Arrays.toString(ToyT4.REFERENCE_NU));
    printRows(FeatureCheck.HELD, check.held(), 58, out);
    out.println("y at each nu, the distortion removed exactly:");
    printRows(FeatureCheck.MOVING, check.moving(), 58, out);
  }

  /** One row per fit: label, nu_shift, nu_squeeze with errors, ratio, time, status. */
  private static void printRows(List<String> labels, List<Fit> fits, int width, PrintStream out) {
    for (int i = 0; i < fits.size(); i++) {
      Fit f = fits.get(i);
      out.printf(
          "%-" + width + "s  %+.4f +- %.4f   %+.4f +- %.4f   %.4f     %.0f s  %s%n",
          labels.get(i),
          f.nu(0),
          f.error(0),
          f.nu(1),
          f.error(1),
          f.values()[0],
          f.seconds(),
          f.status());
    }
  }

  private static double[] round(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = Math.round(v[i] * 1000) / 1000.0;
    }
    return o;
  }

  /** The trained simulation densities (nominal flows and residuals). */
  record Simulation(Flow xBase, Flow yBase, Flow xResidual, Flow yResidual)
      implements AutoCloseable {
    ResidualFlow kinematics() {
      return new ResidualFlow(xBase, xResidual);
    }

    ResidualFlow features() {
      return new ResidualFlow(yBase, yResidual);
    }

    @Override
    public void close() {
      for (Flow f : new Flow[] {xBase, yBase, xResidual, yResidual}) {
        if (f != null) {
          f.close();
        }
      }
    }
  }

  /**
   * The DOI fits of one data set: the models (step 1's and the amortized one of step 2, whose flows
   * this closes), the amortized likelihood and its fit, the closed-form (transported) one and its
   * fit, and every figure.
   */
  record Fitted(
      DoiModel model,
      Amortized amortized,
      FitResult truthFit,
      FitResult truthXFit,
      FitResult flowXFit,
      Likelihood transported,
      Measurement fits)
      implements AutoCloseable {
    @Override
    public void close() {
      model.doi().close();
      amortized.close();
    }
  }

  /** A likelihood and its fit. */
  record Likelihood(NegLogLikelihood nll, FitResult fit) {}

  /**
   * Step 2 of one data set: the amortized model (T frozen, the profiling flow trained around
   * nu-hat), its likelihood and its fit, and the models of the repeated trainings whose likelihoods
   * the likelihood averages (none for one training); closing closes their profiling flows.
   */
  record Amortized(DoiModel model, NegLogLikelihood nll, FitResult fit, List<DoiModel> repeats)
      implements AutoCloseable {

    /** One training's model, likelihood and fit. */
    Amortized(DoiModel model, NegLogLikelihood nll, FitResult fit) {
      this(model, nll, fit, List.of());
    }

    @Override
    public void close() {
      model.profile().close();
      repeats.forEach(r -> r.profile().close());
    }
  }

  static Report study(Settings s, Device device, Path plots, PrintStream out) {
    long start = System.nanoTime();
    try (Simulation sim = simulate(s, device, out)) {
      Deformation deformation =
          deformation(sim, device, Math.min(4000, s.templateEvents()), s.seed(), plots);
      out.printf(
          "deformation RMS: x %.4f / y %.4f nats (one nuisance), %.4f / %.4f (both)%n",
          deformation.xOnAxes(), deformation.yOnAxes(), deformation.xBoth(), deformation.yBoth());
      double[] nu = ToyT4.REFERENCE_NU;
      ToyT4.Events data =
          ToyT4.generate(s.dataEvents(), nu[0], nu[1], true, Seeds.rng(s.seed(), 9));
      BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
      try (Fitted f = fit(sim, data, s, s.seed(), device, evaluator, out)) {
        FitResult fit = f.amortized().fit();
        UncertaintyModes modes =
            fit.status().isValid() ? fit.uncertaintyModes() : noModes(fit.parameters().names());
        List<Impact> impacts = fit.status().isValid() ? impacts(fit) : List.of();
        pulls(sim, modes, fit, device, plots);
        doiPulls(f.amortized().model(), modes, fit, device, plots);
        try (Bootstrap b = bootstrap(f, data, s, device, evaluator, out)) {
          List<Scan> scans = scans(f, b, sim, data, evaluator, s.scanPoints(), plots);
          return new Report(
              deformation,
              f.fits(),
              scans,
              b.summary(),
              modes,
              impacts,
              (System.nanoTime() - start) / 1e9);
        }
      }
    }
  }

  /**
   * Every fit of one data set: the true likelihoods, the learned kinematics alone, step 1 (T, nu
   * and the fractions by gradient descent, then Newton steps with T frozen) and step 2 (a profiling
   * flow trained on a Gauss-Legendre grid of nu around nu-hat, T frozen, then Newton steps of the
   * amortized likelihood).
   */
  static Fitted fit(
      Simulation sim,
      ToyT4.Events data,
      Settings s,
      long seed,
      Device device,
      BatchEvaluator evaluator,
      PrintStream out) {
    FitResult truthFit = truthFit(trueMixtureNll(data, true));
    Fit truth = fitOf(truthFit, 0);
    FitResult truthXFit = truthFit(trueMixtureNll(data, false));
    Fit truthX = fitOf(truthXFit, 0);
    double[] steps = steps(truth);
    Fit truth32 =
        fitOf(
            new Fitter(600, 1e-3)
                .newtonStep(float32(data), truthFit.values(), steps, truthFit.covariance()),
            0);
    long t0 = System.nanoTime();
    FitResult flowXFit = kinematicsFit(sim, data, evaluator, truthXFit, steps);
    Fit flowX = fitOf(flowXFit, seconds(t0));
    FeatureCheck features = featureCheck(sim, data, evaluator, truthXFit, steps);
    if (out != null) {
      printFeatureCheck(features, out);
    }
    FeatureMatrix events = events(data);
    Flow doi = newDoi(device, seed);
    try {
      DoiModel model = new DoiModel(sim.kinematics(), sim.features(), doi, 2);
      if (s.startAtKinematics() && flowX.status().equals("CONVERGED")) {
        // step 1 starts at the estimate of the learned kinematics: with the DOI free nu is
        // measured by x, and Adam moves nu by at most about one step size per step, so from
        // nu = 0 a short joint fit ends short of it and T absorbs the rest of the nuisances'
        // effect on y (measured: 0.05 / -0.005 after 200 steps at (+0.5, -0.5))
        model.setNu(new double[] {flowX.nu(0), flowX.nu(1)});
      }
      if (out != null) {
        out.println(doiPasses(s.doiWarmup(), s.doiSteps(), s.batchSize(), events.size()));
      }
      t0 = System.nanoTime();
      if (s.doiWarmup() > 0) {
        model.holdNu(true);
        try {
          train(
              model,
              DoiModel.fitObjective(events.size()),
              events,
              s,
              s.doiWarmup(),
              0,
              2e-3,
              seed + 19,
              out);
        } finally {
          model.holdNu(false);
        }
      }
      train(
          model,
          DoiModel.fitObjective(events.size()),
          events,
          s,
          s.doiSteps(),
          0,
          2e-3,
          seed + 20,
          out);
      double[] a = model.fractions();
      double[] joint = model.nu();
      Fit jointFit =
          new Fit(
              new double[] {a[0] / a[1], joint[0], joint[1]},
              new double[3],
              "GRADIENT DESCENT",
              seconds(t0));
      NegLogLikelihood nll = FlowMixtureNll.of(model, events, evaluator, NAMES);
      FitResult frozenFit = newton(nll, nll.parameters().initialValues(), steps, s.newtonSteps());
      Fit frozen = fitOf(frozenFit, seconds(t0));
      model.setNu(new double[] {frozen.nu(0), frozen.nu(1)});
      t0 = System.nanoTime();
      double[][] heldY = heldFeatures(data, model, joint, evaluator);
      NegLogLikelihood transportedNll = flowKinematicsNll(sim, data, evaluator, nu -> heldY);
      Likelihood transportedFit =
          new Likelihood(transportedNll, fromTruth(transportedNll, truthXFit, steps));
      Fit transported = fitOf(transportedFit.fit(), seconds(t0));
      // the closed form with the true kinematics: what T's y part, as a tag of the classes, does
      // to the x-only fit without the learned kinematics' own offset
      Fit transportedTrueX =
          fitOf(fromTruth(mixture(trueXPlus(data, nu -> heldY)), truthXFit, steps), 0);
      // step 2: the grid spans +-W sigma of the frozen fit (default 12); from W = 4 on the scans
      // over +-2 sigma of the profile (whose sigma is about 1.5 times the frozen one) stay inside
      double[] halfWidths = new double[2];
      for (int k = 0; k < 2; k++) {
        halfWidths[k] =
            s.profileWidth() * (frozenFit.status().isValid() ? frozen.error(k) : 2 * steps[k + 1]);
      }
      t0 = System.nanoTime();
      Amortized amortized =
          amortize(model, joint, events, s, halfWidths, steps, seed, device, evaluator, out);
      Fit amortizedResult = fitOf(amortized.fit(), seconds(t0));
      Measurement m =
          new Measurement(
              truth,
              truthX,
              truth32,
              flowX,
              jointFit,
              frozen,
              transported,
              transportedTrueX,
              amortizedResult,
              features);
      if (out != null) {
        printFits(m, out);
      }
      return new Fitted(model, amortized, truthFit, truthXFit, flowXFit, transportedFit, m);
    } catch (RuntimeException e) {
      doi.close();
      throw e;
    }
  }

  /** Gauss-Legendre nodes per nuisance of the amortized profiling (3 x 3 offsets of nu). */
  static final int PROFILING_NODES = 3;

  /**
   * Step 2: T frozen, a profiling flow trained on the data at the Gauss-Legendre grid of nu-hat +-
   * h, then Newton steps of the amortized likelihood; if its minimum falls in the outer half of the
   * region, once more around it. With {@link Settings#profileRepeats()} K > 1, K - 1 more profiling
   * flows (other seeds) on the final region: the amortized likelihood is the mean of the K
   * likelihoods, the first flow stands for the model (pulls, bootstrap).
   */
  static Amortized amortize(
      DoiModel model,
      double[] nuT,
      FeatureMatrix events,
      Settings s,
      double[] halfWidths,
      double[] steps,
      long seed,
      Device device,
      BatchEvaluator evaluator,
      PrintStream out) {
    Amortized first = null;
    for (int attempt = 0; first == null; attempt++) {
      Amortized run =
          profile(
              model,
              nuT,
              events,
              s,
              halfWidths,
              steps,
              seed + 60 + attempt,
              device,
              evaluator,
              out);
      double[] center = run.model().center();
      double[] moved = {run.fit().values()[1], run.fit().values()[2]};
      boolean outer =
          Math.abs(moved[0] - center[0]) > halfWidths[0] / 2
              || Math.abs(moved[1] - center[1]) > halfWidths[1] / 2;
      if (attempt > 0 || !outer || !run.fit().status().isValid()) {
        first = run;
      } else {
        // the profile's minimum lies in the outer half of the region (a joint fit stopped short):
        // one more step 2 centered on it, so that the scans around it stay inside the region
        if (out != null) {
          out.printf(
              "amortized minimum %s in the outer half of %s +- %s: step 2 again around it%n",
              Arrays.toString(round(moved)),
              Arrays.toString(round(center)),
              Arrays.toString(round(halfWidths)));
        }
        model.setNu(moved);
        run.close();
      }
    }
    if (s.profileRepeats() == 1) {
      return first;
    }
    List<Amortized> runs = new ArrayList<>(List.of(first));
    try {
      printRepeat(first, 1, s.profileRepeats(), out);
      for (int r = 1; r < s.profileRepeats(); r++) {
        runs.add(
            profile(
                model, nuT, events, s, halfWidths, steps, seed + 80 + r, device, evaluator, out));
        printRepeat(runs.get(r), r + 1, s.profileRepeats(), out);
      }
      NegLogLikelihood mean = combined(runs);
      double[][] covariance = first.fit().status().isValid() ? first.fit().covariance() : null;
      FitResult fit = newtonFrom(mean, mean.parameters().initialValues(), covariance, steps);
      if (out != null) {
        printRepeats(runs, fit, out);
      }
      return new Amortized(
          first.model(),
          mean,
          fit,
          runs.subList(1, runs.size()).stream().map(Amortized::model).toList());
    } catch (RuntimeException e) {
      runs.forEach(Amortized::close);
      throw e;
    }
  }

  /**
   * One training of step 2 around the model's nu: a profiling flow trained on the data at the
   * Gauss-Legendre grid, the last {@link Settings#profileAverage()} of its steps averaged, and the
   * Newton fit of its likelihood.
   */
  private static Amortized profile(
      DoiModel model,
      double[] nuT,
      FeatureMatrix events,
      Settings s,
      double[] halfWidths,
      double[] steps,
      long seed,
      Device device,
      BatchEvaluator evaluator,
      PrintStream out) {
    Flow profile = residual(2 + 2 + 2, device, seed);
    try {
      DoiModel amortized = profiled(model, profile, halfWidths, nuT, s);
      // each batch holds its events at every node of the grid (the first-order noise of +-dnu
      // cancels): batchSize / nodes^2 events, about as many rows as a batch of the other stages
      trainProfile(amortized, events, s, s.profileSteps(), 2e-3, seed + 1, out);
      NegLogLikelihood nll = FlowMixtureNll.of(amortized, events, evaluator, NAMES);
      return new Amortized(
          amortized, nll, newton(nll, nll.parameters().initialValues(), steps, s.newtonSteps()));
    } catch (RuntimeException e) {
      profile.close();
      throw e;
    }
  }

  /**
   * The amortized model of step 2 with the given profiling flow: from the closed form (the DOI
   * transported from nu-T) or from T frozen, as the settings say.
   */
  private static DoiModel profiled(
      DoiModel model, Flow profile, double[] halfWidths, double[] nuT, Settings s) {
    DoiModel amortized =
        s.profileFromTransport()
            ? model.profiledFromTransport(profile, halfWidths, nuT)
            : model.profiled(profile, halfWidths);
    amortized.refineDoi(s.refineDoi());
    return amortized;
  }

  /** One training's minimum of step 2 and its NLL there (comparable between trainings). */
  private static void printRepeat(Amortized run, int r, int of, PrintStream out) {
    if (out != null) {
      double[] v = run.fit().values();
      out.printf(
          "step 2, training %d of %d: nu = %+.4f, %+.4f, NLL at the minimum %.3f (%s)%n",
          r, of, v[1], v[2], run.fit().nll(), run.fit().status());
    }
  }

  /** The repeats' mean minimum and spread, and the minimum of their mean likelihood. */
  private static void printRepeats(List<Amortized> runs, FitResult fit, PrintStream out) {
    double[][] minima = runs.stream().map(r -> r.fit().values()).toArray(double[][]::new);
    double[] mean = meanOf(minima);
    double[] sd = sdOf(minima, mean);
    out.printf(
        "step 2, %d trainings: minima %+.4f +- %.4f, %+.4f +- %.4f (mean, spread); their mean"
            + " likelihood's minimum %+.4f, %+.4f (%s)%n",
        minima.length,
        mean[1],
        sd[1],
        mean[2],
        sd[2],
        fit.values()[1],
        fit.values()[2],
        fit.status());
  }

  /**
   * Trains a profiling flow (inside {@code amortized}) on the data at the Gauss-Legendre grid, the
   * last {@link Settings#profileAverage()} of its steps averaged.
   */
  private static void trainProfile(
      DoiModel amortized,
      FeatureMatrix events,
      Settings s,
      int steps,
      double rate,
      long seed,
      PrintStream out) {
    if (out != null) {
      out.println(profilePasses(steps, s.batchSize(), events.size()));
    }
    Trainer.train(
            amortized,
            DoiModel.profilingObjective(PROFILING_NODES),
            List.of(events),
            config(
                steps,
                rate,
                profilingBatch(s.batchSize()),
                lastSteps(s.profileAverage(), steps),
                s,
                seed,
                out))
        .requireSuccess();
  }

  /**
   * Passes over the data of step 1 (warm-up and joint steps) above which a warning is printed: at
   * 2,000 events the full-scale step counts made 768 and T learned the data (4.454 nats per event
   * against 4.573 after 154 passes on the same events); 15, 61 and 154 passes were fine
   * (flows-profiling/README.md).
   */
  static final double DOI_PASSES_WARNING = 300;

  /**
   * Passes over the data of step 2 above which a warning is printed: at 2,000 events the full-scale
   * step counts made 340 and step 2 learned the data (its likelihood had no curvature left at its
   * center); 25 and 68 passes were fine (flows-profiling/README.md).
   */
  static final double PROFILE_PASSES_WARNING = 100;

  /**
   * Step 1's line on its passes over the data, with a warning above {@link #DOI_PASSES_WARNING}.
   */
  static String doiPasses(int warmup, int steps, int batchSize, int events) {
    double passes = (double) (warmup + steps) * batchSize / events;
    double scale = Math.min(1, DOI_PASSES_WARNING / passes);
    return passes(
        String.format("step 1: %d + %d steps of %d events", warmup, steps, batchSize),
        passes,
        events,
        DOI_PASSES_WARNING,
        "at 2,000 events 768 passes let T learn the data",
        String.format(
            "fewer --doi-warmup and --doi-steps, about %d and %d here",
            (int) Math.floor(warmup * scale), (int) Math.floor(steps * scale)));
  }

  /**
   * Step 2's line on its passes over the data, with a warning above {@link
   * #PROFILE_PASSES_WARNING}.
   */
  static String profilePasses(int steps, int batchSize, int events) {
    int perStep = profilingBatch(batchSize);
    return passes(
        String.format("step 2: %d steps of %d events", steps, perStep),
        (double) steps * perStep / events,
        events,
        PROFILE_PASSES_WARNING,
        "at 2,000 events 340 passes left no curvature at the minimum",
        String.format(
            "fewer --profile-steps, about %d here",
            (int) Math.floor(PROFILE_PASSES_WARNING * events / perStep)));
  }

  /**
   * A training's passes over the data, and above {@code limit} a warning that it may learn the data
   * instead of its likelihood, with what happened once and the options that would stay under.
   */
  private static String passes(
      String what, double passes, int events, double limit, String evidence, String fewer) {
    String line = String.format("%s, %.1f passes over the %d data events", what, passes, events);
    if (passes <= limit) {
      return line;
    }
    return line
        + String.format(
            "%nwarning: over %.0f passes the fit may learn the data instead of its likelihood"
                + " (%s): %s",
            limit, evidence, fewer);
  }

  /** Events per step of the amortized profiling: as many rows as a batch, at least 2 events. */
  static int profilingBatch(int batchSize) {
    return Math.max(2, batchSize / (PROFILING_NODES * PROFILING_NODES));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Finite-difference steps of half the true likelihood's errors (ratio: 0.02). */
  private static double[] steps(Fit truth) {
    return new double[] {0.02, 0.5 * truth.error(0), 0.5 * truth.error(1)};
  }

  /**
   * Newton steps from {@code start} (a gradient-descent fit is already close; a Powell minimization
   * would cost ~100 passes over the data), the covariance from the coarse-step Hessian; the last
   * valid step.
   */
  private static FitResult newton(NegLogLikelihood nll, double[] start, double[] steps, int count) {
    return newton(nll, start, steps, count, null);
  }

  /**
   * {@link #newton(NegLogLikelihood, double[], double[], int)} with a given covariance in every
   * step (2 n + 2 evaluations a step instead of the Hessian's 2 n^2 + 2 n + 2), or null for the
   * Hessian.
   */
  private static FitResult newton(
      NegLogLikelihood nll, double[] start, double[] steps, int count, double[][] covariance) {
    Fitter fitter = new Fitter(600, 1e-3);
    FitResult last = fitter.newtonStep(nll, start, steps, covariance);
    for (int i = 1; i < count && last.status().isValid(); i++) {
      FitResult next = fitter.newtonStep(nll, last.values(), steps, covariance);
      if (!next.status().isValid()) {
        break;
      }
      last = next;
    }
    return last;
  }

  /**
   * The linearized impact of each nuisance on the yield ratio from the covariance: fixing nu_k at
   * nu_k-hat +- sigma_k moves the ratio by +- V_{r k} / sigma_k (exact for a Gaussian likelihood;
   * {@link Fitter#impacts} refits instead, ~100 passes over the data per refit here).
   */
  private static List<Impact> impacts(FitResult fit) {
    double[][] v = fit.covariance();
    List<Impact> out = new ArrayList<>();
    for (String name : NAMES) {
      int k = fit.parameters().indexOf(name);
      double sigma = Math.sqrt(v[k][k]);
      double shift = v[0][k] / sigma;
      out.add(new Impact(name, sigma, shift, -shift));
    }
    return out;
  }

  private static UncertaintyModes noModes(List<String> names) {
    return new UncertaintyModes(names, new double[0], new double[0][]);
  }

  private static Fit fitOf(FitResult f, double seconds) {
    double[] errors = new double[f.values().length];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = f.error(f.parameters().get(i).name());
    }
    return new Fit(f.values(), errors, f.status().toString(), seconds);
  }

  /** The minimum of a true likelihood (Powell, then the Hessian). */
  private static FitResult truthFit(NegLogLikelihood nll) {
    return Fitter.defaults().fit(nll);
  }

  /** The two-class mixture over the yield ratio and the constrained nuisances (start 1, 0, 0). */
  private static NegLogLikelihood mixture(Function<double[], LogDensities> densities) {
    return new UnbinnedMixtureNll(
        Parameters.of(
            Parameter.of(FlowMixtureNll.RATIO, 1, 0.05, 20),
            Parameter.gaussian(NAMES.get(0), 0, 1, -3, 3),
            Parameter.gaussian(NAMES.get(1), 0, 1, -3, 3)),
        FlowMixtureNll.RATIO,
        NAMES,
        densities,
        1,
        1,
        false);
  }

  /**
   * The true per-class densities (distortion removed) in the same mixture likelihood, of x and y or
   * of x alone.
   */
  static NegLogLikelihood trueMixtureNll(ToyT4.Events data, boolean withY) {
    return mixture(trueDensities(data, withY));
  }

  private static Function<double[], LogDensities> trueDensities(ToyT4.Events data, boolean withY) {
    if (!withY) {
      return nu -> trueXPlus(data, nu, null);
    }
    return trueXPlus(data, movingFeatures(data, T4Study::trueFeatures));
  }

  /** The true log p(x | c, nu) plus a y part at the same nu: [class][event] or null for none. */
  private static Function<double[], LogDensities> trueXPlus(
      ToyT4.Events data, Function<double[], double[][]> yPart) {
    return nu -> trueXPlus(data, nu, yPart.apply(nu));
  }

  /**
   * The y part at each nu, {@link #distortedFeatures} of the density of y at that nu, the data's
   * distortion removed exactly (undone once).
   */
  private static Function<double[], double[][]> movingFeatures(
      ToyT4.Events data, Function<double[], FeatureDensity> featuresAt) {
    double[][][] y = undistorted(data);
    return nu -> distortedFeatures(data, y, featuresAt.apply(nu));
  }

  /**
   * The true log p(x | c, nu) of each event and class plus a per-event y part (null for none), the
   * Gaussian of each class built once.
   */
  private static LogDensities trueXPlus(ToyT4.Events data, double[] nu, double[][] yPart) {
    double[][] l = new double[2][data.size()];
    for (int c = 0; c < 2; c++) {
      BivariateGaussian g = ToyT4.kinematics(c, nu[0], nu[1]);
      for (int i = 0; i < data.size(); i++) {
        double[] x = data.x()[i];
        l[c][i] = g.logDensity(x[0], x[1]) + (yPart == null ? 0 : yPart[c][i]);
      }
    }
    return new LogDensities(l[0], l[1]);
  }

  /** The data's y with class c's distortion removed exactly, per class: [c][event]. */
  private static double[][][] undistorted(ToyT4.Events data) {
    double[][][] y = new double[2][data.size()][];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < data.size(); i++) {
        y[c][i] = ToyT4.undistort(data.x()[i], data.y()[i], c);
      }
    }
    return y;
  }

  /** log q_c(D_c^-1(y) | x) - log |det D_c| per class and event, for the distorted data's y. */
  private static double[][] distortedFeatures(
      ToyT4.Events data, double[][][] undistorted, FeatureDensity features) {
    double[][] l = new double[2][];
    for (int c = 0; c < 2; c++) {
      l[c] = features.logDensity(data.x(), undistorted[c], c);
      double logDet = ToyT4.logDetDistortion(c);
      for (int i = 0; i < l[c].length; i++) {
        l[c][i] -= logDet;
      }
    }
    return l;
  }

  /** The true likelihood with every per-event density rounded to float32, as a flow's are. */
  private static NegLogLikelihood float32(ToyT4.Events data) {
    Function<double[], LogDensities> exact = trueDensities(data, true);
    return mixture(
        nu -> {
          LogDensities d = exact.apply(nu);
          return new LogDensities(rounded(d.logSignal()), rounded(d.logBackground()));
        });
  }

  private static double[] rounded(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = (float) v[i];
    }
    return o;
  }

  /**
   * The fit of the learned p(x | c, nu) alone: a Newton step from the true x-only minimum with its
   * covariance, then a full one (the start does not bias a converged Newton fit, and saves a
   * Hessian: ~26 passes over the data).
   */
  private static FitResult kinematicsFit(
      Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      FitResult truthX,
      double[] steps) {
    return fromTruth(flowKinematicsNll(sim, data, evaluator), truthX, steps);
  }

  /** A Newton step from the true x-only minimum with its covariance, then a full one. */
  private static FitResult fromTruth(NegLogLikelihood nll, FitResult truthX, double[] steps) {
    return newtonFrom(nll, truthX.values(), truthX.covariance(), steps);
  }

  /**
   * A Newton step from {@code start} with a given covariance (2 n + 2 evaluations), then a full one
   * for the Hessian at the minimum.
   */
  private static FitResult newtonFrom(
      NegLogLikelihood nll, double[] start, double[][] covariance, double[] steps) {
    return newton(nll, newton(nll, start, steps, 1, covariance).values(), steps, 1);
  }

  /** The mixture of the learned p(x | c, nu) alone (both classes evaluated at the asked nu). */
  static NegLogLikelihood flowKinematicsNll(
      Simulation sim, ToyT4.Events data, BatchEvaluator evaluator) {
    return flowKinematicsNll(sim, data, evaluator, nu -> null);
  }

  /**
   * The mixture of the learned p(x | c, nu) times a y part at the same nu: log densities
   * [class][event] added to each class's (the function may return null for none).
   */
  private static NegLogLikelihood flowKinematicsNll(
      Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      Function<double[], double[][]> yPart) {
    EventFunction density = sim.kinematics().logProb();
    return mixture(
        nu -> {
          double[][] y = yPart.apply(nu);
          double[][] l = new double[2][];
          for (int c = 0; c < 2; c++) {
            l[c] = logDensities(evaluator, density, data.x(), null, c, nu);
            for (int i = 0; y != null && i < l[c].length; i++) {
              l[c][i] += y[c][i];
            }
          }
          return new LogDensities(l[0], l[1]);
        });
  }

  /**
   * Step 2 in closed form, the DOI transported with nu: if T is the best DOI at nu-T, P_nu o T with
   * P_nu = R_y(.; nu)^-1 o R_y(.; nu-T) (R_y the learned y residual) gives every event at nu the y
   * density it has at nu-T: p(P_nu(T(y)) | x, c, nu) |det dP_nu| = p(T(y) | x, c, nu-T). The
   * likelihood is then the kinematics with each class's y part held at nu-T (y still weighs the
   * classes), without training. It is the profile over the DOI for one class; with several, the
   * best y densities also follow the class posteriors, which step 2's profiling flow learns from
   * this start ({@link DoiModel#profiledFromTransport}). This is that y part, each class's at nu-T
   * for every event: [class][event].
   *
   * @param nuT where T was fitted (step 1's joint fit)
   */
  private static double[][] heldFeatures(
      ToyT4.Events data, DoiModel model, double[] nuT, BatchEvaluator evaluator) {
    return evaluator.evaluateToDouble(
        events(data), List.of(model.logFeaturesAt(0, nuT), model.logFeaturesAt(1, nuT)));
  }

  /**
   * A learned density of rows with context (prefix, one-hot c, nu), all rows of class c.
   *
   * @param prefix the leading context columns, or null
   * @param nu the nuisances of the context, or null
   */
  private static double[] logDensities(
      BatchEvaluator evaluator,
      EventFunction density,
      double[][] values,
      double[][] prefix,
      int c,
      double[] nu) {
    int[] classes = new int[values.length];
    Arrays.fill(classes, c);
    return evaluator.evaluateToDouble(tagged(values, prefix, classes, nu), List.of(density))[0];
  }

  /**
   * A nominal density p(z | c) with the true deformation: log p(R_true(x; c, nu) | c) + log |det
   * R_true|, R_true the affine map of class c's Gaussian at nu onto its Gaussian at 0.
   *
   * @param nominal (z, c) to log p(z_i | c) for every row
   */
  static NegLogLikelihood trueDeformationNll(
      ToyT4.Events data, BiFunction<double[][], Integer, double[]> nominal) {
    return mixture(
        nu -> {
          double[][] l = new double[2][];
          for (int c = 0; c < 2; c++) {
            BivariateGaussian at = ToyT4.kinematics(c, nu[0], nu[1]);
            BivariateGaussian zero = ToyT4.kinematics(c, 0, 0);
            double[][] z = new double[data.size()][];
            for (int i = 0; i < z.length; i++) {
              z[i] = toNominal(data.x()[i], at, zero);
            }
            double[] base = nominal.apply(z, c);
            double logDet = logDetToNominal(at, zero);
            for (int i = 0; i < base.length; i++) {
              base[i] += logDet;
            }
            l[c] = base;
          }
          return new LogDensities(l[0], l[1]);
        });
  }

  /**
   * The true deformation of T4's Gaussians: the affine map per coordinate of a Gaussian at nu onto
   * the one at 0 (the nuisances move means and scale variances, never the correlation).
   */
  private static double[] toNominal(double[] v, BivariateGaussian at, BivariateGaussian zero) {
    return new double[] {
      zero.mean0() + (v[0] - at.mean0()) * Math.sqrt(zero.var0() / at.var0()),
      zero.mean1() + (v[1] - at.mean1()) * Math.sqrt(zero.var1() / at.var1())
    };
  }

  /** log |det| of {@link #toNominal}. */
  private static double logDetToNominal(BivariateGaussian at, BivariateGaussian zero) {
    return 0.5 * (Math.log(zero.var0() / at.var0()) + Math.log(zero.var1() / at.var1()));
  }

  /** A density of y given x for class c: (x rows, y rows, c) to log q_c(y_i | x_i). */
  interface FeatureDensity {
    double[] logDensity(double[][] x, double[][] y, int c);
  }

  /**
   * The true likelihood of x with the y part held: sum_c A_c p(x | c, nu) q_c(D_c^-1(y) | x) / |det
   * D_c|, with the data's distortion D_c of class c removed exactly and q_c a density of y at fixed
   * nuisances, so that y enters only through the class posteriors.
   */
  static NegLogLikelihood heldFeaturesNll(ToyT4.Events data, FeatureDensity features) {
    double[][] held = distortedFeatures(data, undistorted(data), features);
    return mixture(nu -> trueXPlus(data, nu, held));
  }

  /** The true p(y | x, c, nu) at fixed nu. */
  static FeatureDensity trueFeatures(double[] nu) {
    return (x, y, c) -> {
      double[] out = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        out[i] = ToyT4.logDensityY(x[i], y[i], c, nu[0], nu[1]);
      }
      return out;
    };
  }

  /**
   * A nominal density of y (at nu = 0) with the true deformation from nu: log q(R_true(y; x, c, nu)
   * | x, c) + log |det R_true|.
   */
  static FeatureDensity deformedFeatures(FeatureDensity nominal, double[] nu) {
    return (x, y, c) -> {
      double[][] z = new double[y.length][];
      double[] logDet = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        BivariateGaussian at = ToyT4.features(x[i][0], x[i][1], c, nu[0], nu[1]);
        BivariateGaussian zero = ToyT4.features(x[i][0], x[i][1], c, 0, 0);
        z[i] = toNominal(y[i], at, zero);
        logDet[i] = logDetToNominal(at, zero);
      }
      double[] out = nominal.logDensity(x, z, c);
      for (int i = 0; i < out.length; i++) {
        out[i] += logDet[i];
      }
      return out;
    };
  }

  /** The learned p(y | x, c, nu) at fixed nu (nominal flow and residual). */
  static FeatureDensity learnedFeatures(Simulation sim, BatchEvaluator evaluator, double[] nu) {
    return (x, y, c) -> logDensities(evaluator, sim.features().logProb(), y, x, c, nu);
  }

  /** The learned nominal flow of y, p(y | x, c) at nu = 0. */
  static FeatureDensity learnedFeatureBase(Simulation sim, BatchEvaluator evaluator) {
    return (x, y, c) -> logDensities(evaluator, EventFunction.logProb(sim.yBase()), y, x, c, null);
  }

  /** The fits of {@link FeatureCheck}, each from the true x-only minimum. */
  static FeatureCheck featureCheck(
      Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      FitResult truthX,
      double[] steps) {
    double[] nu = ToyT4.REFERENCE_NU;
    Function<FeatureDensity, Fit> fit =
        y -> fitOf(fromTruth(heldFeaturesNll(data, y), truthX, steps), 0);
    Function<NegLogLikelihood, Fit> fitMoving = nll -> fitOf(fromTruth(nll, truthX, steps), 0);
    Function<double[], double[][]> learnedY =
        movingFeatures(data, at -> learnedFeatures(sim, evaluator, at));
    return new FeatureCheck(
        fit.apply(trueFeatures(nu)),
        fit.apply(deformedFeatures(learnedFeatureBase(sim, evaluator), nu)),
        fit.apply(learnedFeatures(sim, evaluator, nu)),
        fitMoving.apply(mixture(trueXPlus(data, learnedY))),
        fitMoving.apply(flowKinematicsNll(sim, data, evaluator, learnedY)));
  }

  /** The learned nominal flow as a nominal density for {@link #trueDeformationNll}. */
  static BiFunction<double[][], Integer, double[]> learnedNominal(
      Simulation sim, BatchEvaluator evaluator) {
    return (z, c) -> logDensities(evaluator, EventFunction.logProb(sim.xBase()), z, null, c, null);
  }

  /**
   * The Gaussian of each class fitted to the simulated nominal events (sample means and
   * covariance): the best a nominal flow can do with this simulation.
   */
  static BiFunction<double[][], Integer, double[]> sampleNominal(ToyT4.Events nominal) {
    BivariateGaussian[] g = new BivariateGaussian[2];
    for (int c = 0; c < 2; c++) {
      double[] m = new double[2];
      double[] q = new double[3];
      int n = 0;
      for (int i = 0; i < nominal.size(); i++) {
        if (nominal.classes()[i] == c) {
          m[0] += nominal.x()[i][0];
          m[1] += nominal.x()[i][1];
          n++;
        }
      }
      m[0] /= n;
      m[1] /= n;
      for (int i = 0; i < nominal.size(); i++) {
        if (nominal.classes()[i] == c) {
          double d0 = nominal.x()[i][0] - m[0];
          double d1 = nominal.x()[i][1] - m[1];
          q[0] += d0 * d0;
          q[1] += d0 * d1;
          q[2] += d1 * d1;
        }
      }
      g[c] = new BivariateGaussian(m[0], m[1], q[0] / n, q[1] / n, q[2] / n);
    }
    return (z, c) -> {
      double[] out = new double[z.length];
      for (int i = 0; i < z.length; i++) {
        out[i] = g[c].logDensity(z[i][0], z[i][1]);
      }
      return out;
    };
  }

  // ---------------------------------------------------------------- simulation

  static Simulation simulate(Settings s, Device device, PrintStream out) {
    return simulate(s, device, out, true);
  }

  /**
   * The nominal flows and residuals; without {@code features} only those of the kinematics (the
   * feature flows are null). Loaded from the settings' simulation directory if it holds them, else
   * trained (and saved there if a directory is given).
   */
  static Simulation simulate(Settings s, Device device, PrintStream out, boolean features) {
    T4SimulationStore.Layout layout = layout(s, device);
    Path directory = s.simulationDirectory();
    if (directory != null && T4SimulationStore.holds(directory)) {
      try {
        Simulation sim = T4SimulationStore.load(directory, s, features, layout, device);
        out.printf(
            "T4: the simulation trained with these options, loaded from %s%n",
            directory.toAbsolutePath());
        return sim;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Simulation sim = trainSimulation(s, layout, out, features);
    if (directory != null) {
      try {
        T4SimulationStore.save(sim, directory, s);
      } catch (IOException e) {
        sim.close();
        throw new UncheckedIOException(e);
      }
      out.printf("T4: the trained simulation saved in %s%n", directory.toAbsolutePath());
    }
    return sim;
  }

  /** The flows of the simulation, untrained: the nominal flows and a residual for each. */
  static T4SimulationStore.Layout layout(Settings s, Device device) {
    return new T4SimulationStore.Layout(
        () ->
            Flows.autoregressive(2, 2, 3, SplineTransform.of(8, 5), 64, 1, Activation.GELU)
                .optDevice(device)
                .optSeed(s.seed() + 1)
                .build(),
        () ->
            Flows.autoregressive(2, 4, 3, SplineTransform.of(8, 6), 64, 1, Activation.GELU)
                .optDevice(device)
                .optSeed(s.seed() + 3)
                .build(),
        () -> residual(2 + 2, device, s.seed() + 5),
        () -> residual(4 + 2, device, s.seed() + 7));
  }

  /** Trains the flows of the layout on simulated events. */
  private static Simulation trainSimulation(
      Settings s, T4SimulationStore.Layout layout, PrintStream out, boolean features) {
    ToyT4.Events nominal = nominalEvents(s);
    out.printf("T4: %d nominal events; nominal flow p(x | c):%n", s.nominalEvents());
    Flow xBase = layout.xBase().get();
    Flow yBase = null;
    Flow xResidual = null;
    Flow yResidual = null;
    try {
      train(xBase, kinematics(nominal, null), s, s.flowSteps(), s.seed() + 2, out);
      if (features) {
        out.println("nominal flow p(y | x, c):");
        yBase = layout.yBase().get();
        train(yBase, features(nominal, null), s, s.flowSteps(), s.seed() + 4, out);
      }
      List<double[]> settings = new ArrayList<>();
      for (double v : new double[] {-1, 1}) {
        settings.add(new double[] {v, 0});
        settings.add(new double[] {0, v});
        if (s.cornerTemplates()) {
          settings.add(new double[] {v, v});
          settings.add(new double[] {v, -v});
        }
      }
      List<FeatureMatrix> xt = new ArrayList<>();
      List<FeatureMatrix> yt = new ArrayList<>();
      for (int k = 0; k < settings.size(); k++) {
        double[] nu = settings.get(k);
        ToyT4.Events t =
            ToyT4.generate(s.templateEvents(), nu[0], nu[1], false, Seeds.rng(s.seed(), 2, k));
        xt.add(kinematics(t, nu));
        yt.add(features(t, nu));
      }
      out.printf(
          "%d templates of %d events (%s); residual of p(x | c, nu):%n",
          settings.size(),
          s.templateEvents(),
          s.cornerTemplates() ? "one nuisance at +-1 and the 4 corners" : "one nuisance at +-1");
      xResidual = layout.xResidual().get();
      train(
          new ResidualFlow(xBase, xResidual),
          ResidualFlow.MAXIMUM_LIKELIHOOD,
          FeatureMatrix.concat(xt),
          s,
          s.residualSteps(),
          lastSteps(s.flowAverage(), s.residualSteps()),
          2e-3,
          s.seed() + 6,
          out);
      if (features) {
        out.println("residual of p(y | x, c, nu):");
        yResidual = layout.yResidual().get();
        train(
            new ResidualFlow(yBase, yResidual),
            ResidualFlow.MAXIMUM_LIKELIHOOD,
            FeatureMatrix.concat(yt),
            s,
            s.residualSteps(),
            lastSteps(s.flowAverage(), s.residualSteps()),
            2e-3,
            s.seed() + 8,
            out);
      }
      return new Simulation(xBase, yBase, xResidual, yResidual);
    } catch (RuntimeException e) {
      new Simulation(xBase, yBase, xResidual, yResidual).close();
      throw e;
    }
  }

  /** The simulated events at nu = 0 the nominal flows learn from. */
  static ToyT4.Events nominalEvents(Settings s) {
    return ToyT4.generate(s.nominalEvents(), 0, 0, false, Seeds.rng(s.seed(), 1));
  }

  /**
   * A residual of two features conditioned on the context and the 2 nuisances: two factorizable
   * layers. One layer's t is a polynomial in nu (linear, damped quadratic, pairwise cross terms),
   * but T4's nuisances shift a class mean m by 0.3 s nu_s and scale its width by e^a (a = +-0.2
   * nu_q), so the map back to nominal has t = m - (m + 0.3 s nu_s) e^(-a): a term 0.006 nu_s nu_q^2
   * that one layer cannot hold, and that its fit to the corner templates turns into a bias of about
   * -0.0025 on nu_shift at (+0.5, -0.5) (0.27 sigma of x at 100,000 events). The second layer's
   * scale multiplies the first's shift, so two layers hold it: the residual's part of the learned
   * kinematics' offset on nu_shift went from -0.0032 to -0.0007 (seed 1, the same nominal flow;
   * flows-profiling/README.md).
   */
  private static Flow residual(int context, Device device, long seed) {
    return Flow.builder()
        .setDim(2)
        .optContext(context)
        .add(new LayerSpec.FactorizableLayer(2, true, 64, 1, Activation.GELU, 3.0))
        .add(new LayerSpec.FactorizableLayer(2, true, 64, 1, Activation.GELU, 3.0))
        .optDevice(device)
        .optSeed(seed)
        .build();
  }

  private static Flow newDoi(Device device, long seed) {
    return Flows.autoregressive(2, 4, 2, SplineTransform.of(8, 6), 32, 1, Activation.GELU)
        .optDevice(device)
        .optSeed(seed + 30)
        .build();
  }

  /** Adam on all the rows, ending on the last step or on the mean of the last {@code averaged}. */
  private static TrainingConfig config(
      int steps, double rate, int batchSize, int averaged, Settings s, long seed, PrintStream out) {
    return TrainingConfig.builder()
        .optSteps(steps)
        .optBatchSize(batchSize)
        .optLearningRate(rate)
        .optSchedule(s.schedule())
        .optEvaluateEvery(Math.max(1, steps / 4))
        .optValidationFraction(0)
        .optKeepBest(false)
        .optAverageLast(averaged)
        .optSeed(seed)
        .optListener(out == null ? TrainingListener.NONE : new ConsoleProgress(out))
        .build();
  }

  /** Trains a nominal flow, its last {@link Settings#flowAverage()} of steps averaged. */
  private static void train(
      Flow flow, FeatureMatrix data, Settings s, int steps, long seed, PrintStream out) {
    Trainer.fit(
            flow,
            data,
            config(steps, 1e-3, s.batchSize(), lastSteps(s.flowAverage(), steps), s, seed, out))
        .requireSuccess();
  }

  /** The last steps of a training whose parameters are averaged: a share of its steps. */
  private static int lastSteps(double share, int steps) {
    return (int) Math.round(share * steps);
  }

  /** Trains a residual or the DOI (step 1) with Adam, the last {@code averaged} steps averaged. */
  private static <T extends Trainable> void train(
      T model,
      Objective<T> objective,
      FeatureMatrix data,
      Settings s,
      int steps,
      int averaged,
      double rate,
      long seed,
      PrintStream out) {
    Trainer.train(
            model,
            objective,
            List.of(data),
            config(steps, rate, s.batchSize(), averaged, s, seed, out))
        .requireSuccess();
  }

  /** x with context (one-hot c[, nu]). */
  static FeatureMatrix kinematics(ToyT4.Events e, double[] nu) {
    return tagged(e.x(), null, e.classes(), nu);
  }

  /** y with context (x, one-hot c[, nu]). */
  static FeatureMatrix features(ToyT4.Events e, double[] nu) {
    return tagged(e.y(), e.x(), e.classes(), nu);
  }

  /** Rows with context (prefix columns if any, one-hot class, nu if any). */
  private static FeatureMatrix tagged(
      double[][] values, double[][] prefix, int[] classes, double[] nu) {
    int p = prefix == null ? 0 : prefix[0].length;
    int extra = nu == null ? 0 : nu.length;
    float[][] rows = new float[values.length][];
    float[][] context = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      rows[i] = toFloat(values[i]);
      context[i] = new float[p + 2 + extra];
      for (int j = 0; j < p; j++) {
        context[i][j] = (float) prefix[i][j];
      }
      context[i][p + classes[i]] = 1;
      for (int k = 0; k < extra; k++) {
        context[i][p + 2 + k] = (float) nu[k];
      }
    }
    return FeatureMatrix.of(rows, context);
  }

  /** Rows (x, y) of the data, without the class (unknown in data). */
  static FeatureMatrix events(ToyT4.Events e) {
    double[][] rows = new double[e.size()][];
    for (int i = 0; i < e.size(); i++) {
      rows[i] = new double[] {e.x()[i][0], e.x()[i][1], e.y()[i][0], e.y()[i][1]};
    }
    return FeatureMatrix.of(rows);
  }

  private static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  // ---------------------------------------------------------------- deformation check

  static Deformation deformation(
      Simulation sim, Device device, int probeEvents, long seed, Path plots) {
    ToyT4.Events probe = ToyT4.generate(probeEvents, 0, 0, false, Seeds.rng(seed, 3));
    List<double[]> axes = new ArrayList<>();
    List<double[]> both = new ArrayList<>();
    for (double v : NU_GRID) {
      axes.add(new double[] {v, 0});
      axes.add(new double[] {0, v});
      for (double w : NU_GRID) {
        if (Math.abs(v) != 1 || Math.abs(w) != 1) {
          both.add(new double[] {v, w});
        }
      }
    }
    BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
    double[] a = rms(sim, probe, axes, evaluator);
    double[] b = rms(sim, probe, both, evaluator);
    deformationPlot(sim, evaluator, plots);
    return new Deformation(a[0], a[1], b[0], b[1], a[2], a[3]);
  }

  /**
   * RMS errors {x, y} of learned minus true log-density changes over events and nu settings, then
   * the RMS of the true changes {x, y}.
   */
  private static double[] rms(
      Simulation sim, ToyT4.Events probe, List<double[]> settings, BatchEvaluator evaluator) {
    FeatureMatrix x0 = kinematics(probe, new double[] {0, 0});
    FeatureMatrix y0 = features(probe, new double[] {0, 0});
    float[] lx0 = evaluator.evaluate(x0, List.of(sim.kinematics().logProb()))[0];
    float[] ly0 = evaluator.evaluate(y0, List.of(sim.features().logProb()))[0];
    double sx = 0;
    double sy = 0;
    double ix = 0;
    double iy = 0;
    long n = 0;
    for (double[] nu : settings) {
      float[] lx =
          evaluator.evaluate(kinematics(probe, nu), List.of(sim.kinematics().logProb()))[0];
      float[] ly = evaluator.evaluate(features(probe, nu), List.of(sim.features().logProb()))[0];
      for (int i = 0; i < probe.size(); i++) {
        double[] x = probe.x()[i];
        double[] y = probe.y()[i];
        int c = probe.classes()[i];
        double tx = ToyT4.logDensityX(x, c, nu[0], nu[1]) - ToyT4.logDensityX(x, c, 0, 0);
        double ty = ToyT4.logDensityY(x, y, c, nu[0], nu[1]) - ToyT4.logDensityY(x, y, c, 0, 0);
        double dx = (lx[i] - lx0[i]) - tx;
        double dy = (ly[i] - ly0[i]) - ty;
        sx += dx * dx;
        sy += dy * dy;
        ix += tx * tx;
        iy += ty * ty;
        n++;
      }
    }
    return new double[] {
      Math.sqrt(sx / n), Math.sqrt(sy / n), Math.sqrt(ix / n), Math.sqrt(iy / n)
    };
  }

  /**
   * log p(x | c, nu) - log p(x | c, 0) along x1 (x2 = 0) for nu_shift = +-1.5, learned and true.
   */
  private static void deformationPlot(Simulation sim, BatchEvaluator evaluator, Path plots) {
    int n = 61;
    double[] grid = new double[n];
    for (int i = 0; i < n; i++) {
      grid[i] = -2.5 + 5.0 * i / (n - 1);
    }
    Chart chart =
        Chart.titled(
            "T4: deformation of p(x1, x2 = 0 | c, nu) by the shift nuisance",
            "x1",
            "log p(x | c, nu) - log p(x | c, 0)");
    for (int c = 0; c < 2; c++) {
      for (double v : new double[] {-1.5, 1.5}) {
        double[] nu = {v, 0};
        float[][] rows = new float[n][];
        float[][] ctx = new float[n][];
        float[][] ctx0 = new float[n][];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
          rows[i] = new float[] {(float) grid[i], 0};
          ctx[i] = new float[] {c == 0 ? 1 : 0, c == 1 ? 1 : 0, (float) v, 0};
          ctx0[i] = new float[] {c == 0 ? 1 : 0, c == 1 ? 1 : 0, 0, 0};
          double[] x = {grid[i], 0};
          truth[i] = ToyT4.logDensityX(x, c, nu[0], nu[1]) - ToyT4.logDensityX(x, c, 0, 0);
        }
        float[] l =
            evaluator.evaluate(FeatureMatrix.of(rows, ctx), List.of(sim.kinematics().logProb()))[0];
        float[] l0 =
            evaluator
                .evaluate(FeatureMatrix.of(rows, ctx0), List.of(sim.kinematics().logProb()))[0];
        double[] learned = new double[n];
        for (int i = 0; i < n; i++) {
          learned[i] = l[i] - l0[i];
        }
        String label = (c == 0 ? "A" : "B") + String.format(", nu_shift = %+.1f", v);
        chart.line("learned " + label, grid, learned).dashed("true " + label, grid, truth);
      }
    }
    save(chart, plots.resolve("t4-deformation.png"));
  }

  private static void save(Chart chart, Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file.getParent(), e);
    }
    chart.save(file);
  }

  // ---------------------------------------------------------------- pulls and scans

  /** nu-hat moved by one standard deviation along eigen-mode k of the covariance. */
  private static double[] alongMode(UncertaintyModes modes, int k, double[] hat) {
    double[] moved = hat.clone();
    List<String> names = modes.names();
    for (int j = 0; j < names.size(); j++) {
      int q = NAMES.indexOf(names.get(j));
      if (q >= 0) {
        moved[q] += Math.sqrt(modes.variances()[k]) * modes.directions()[k][j];
      }
    }
    return moved;
  }

  /** A side x side grid of points (row-major pairs) over [x0, x1] x [y0, y1]. */
  private static float[] grid(int side, double x0, double x1, double y0, double y1) {
    float[] grid = new float[side * side * 2];
    for (int i = 0; i < side; i++) {
      for (int j = 0; j < side; j++) {
        int r = i * side + j;
        grid[2 * r] = (float) (x0 + (x1 - x0) * i / (side - 1));
        grid[2 * r + 1] = (float) (y0 + (y1 - y0) * j / (side - 1));
      }
    }
    return grid;
  }

  /** Arrows from each grid point to its moved point, magnified. */
  private static void arrows(
      String title, String xLabel, String yLabel, float[] grid, float[] moved, Path file) {
    int n = grid.length / 2;
    double magnify = 20;
    double[] px = new double[n];
    double[] py = new double[n];
    double[] dx = new double[n];
    double[] dy = new double[n];
    for (int r = 0; r < n; r++) {
      px[r] = grid[2 * r];
      py[r] = grid[2 * r + 1];
      dx[r] = magnify * (moved[2 * r] - grid[2 * r]);
      dy[r] = magnify * (moved[2 * r + 1] - grid[2 * r + 1]);
    }
    save(
        Chart.titled(title + ", x20", xLabel, yLabel).arrows("displacement", px, py, dx, dy), file);
  }

  private static String modeTitle(String what, UncertaintyModes modes, int k) {
    return String.format(
        "T4 pull mode %d (sigma %.4f along %s %s): %s",
        k,
        Math.sqrt(modes.variances()[k]),
        modes.names(),
        Arrays.toString(round(modes.directions()[k])),
        what);
  }

  /**
   * Each eigen-mode of the covariance drawn as the displacement it causes on the kinematics of
   * class B: x' = R^-1(R(x; nu-hat); nu-hat + sqrt(lambda) v) - x on a grid, magnified.
   */
  private static void pulls(
      Simulation sim, UncertaintyModes modes, FitResult fit, Device device, Path plots) {
    double[] hat = {fit.value(NAMES.get(0)), fit.value(NAMES.get(1))};
    float[] grid = grid(11, -2, 2, -1.5, 1.5);
    for (int k = 0; k < modes.variances().length; k++) {
      float[] shifted = displaced(sim, grid, 1, hat, alongMode(modes, k, hat), device);
      arrows(
          modeTitle("kinematics of class B", modes, k),
          "x1",
          "x2",
          grid,
          shifted,
          plots.resolve("t4-pull-mode" + k + ".png"));
    }
  }

  /**
   * Each eigen-mode drawn as the displacement of the amortized DOI (the map from data to
   * simulation, T then the profiling flow) at x = (0.5, 0), class B: P(T(y); nu-hat + sqrt(lambda)
   * v) - P(T(y); nu-hat) on a grid of data y, magnified; the paper's "pulls" of the DOI.
   */
  private static void doiPulls(
      DoiModel amortized, UncertaintyModes modes, FitResult fit, Device device, Path plots) {
    double[] hat = {fit.value(NAMES.get(0)), fit.value(NAMES.get(1))};
    float[] y = grid(11, -1.2, 2.6, -3, 0.8);
    int n = y.length / 2;
    float[] rows = new float[4 * n];
    for (int r = 0; r < n; r++) {
      rows[4 * r] = 0.5f;
      rows[4 * r + 2] = y[2 * r];
      rows[4 * r + 3] = y[2 * r + 1];
    }
    for (int k = 0; k < modes.variances().length; k++) {
      double[] moved = alongMode(modes, k, hat);
      try (NDManager m = NDManager.newBaseManager(device)) {
        NDArray events = m.create(rows, new Shape(n, 4));
        float[] at = amortized.mapFeatures(events, 1, nuRows(m, hat, n)).toFloatArray();
        float[] to = amortized.mapFeatures(events, 1, nuRows(m, moved, n)).toFloatArray();
        arrows(
            modeTitle("DOI at x = (0.5, 0), class B", modes, k),
            "T(y)_1",
            "T(y)_2",
            at,
            to,
            plots.resolve("t4-doi-pull-mode" + k + ".png"));
      }
    }
  }

  private static NDArray nuRows(NDManager m, double[] nu, int n) {
    return m.create(new float[] {(float) nu[0], (float) nu[1]}, new Shape(1, 2)).repeat(0, n);
  }

  /** R^-1(R(x; c, from); c, to) for rows of x (row-major pairs). */
  private static float[] displaced(
      Simulation sim, float[] x, int c, double[] from, double[] to, Device device) {
    int n = x.length / 2;
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray xs = m.create(x, new Shape(n, 2));
      float[] hot = {c == 0 ? 1 : 0, c == 1 ? 1 : 0};
      NDArray oneHot = m.create(hot, new Shape(1, 2)).repeat(0, n);
      NDArray z =
          sim.kinematics()
              .transform(xs, NDArrays.concat(new NDList(oneHot, nuRows(m, from, n)), 1))
              .value();
      return sim.xResidual()
          .inverse(z, NDArrays.concat(new NDList(oneHot, nuRows(m, to, n)), 1))
          .value()
          .toFloatArray();
    }
  }

  /**
   * The profile of each nuisance for the amortized flow likelihood, the true likelihood, the true
   * likelihood of x alone and the learned kinematics alone on the same grid, plotted together.
   */
  private static List<Scan> scans(
      Fitted f,
      Bootstrap bootstrap,
      Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      int points,
      Path plots) {
    double[] steps = steps(f.fits().truth());
    List<Scan> scans = new ArrayList<>();
    for (int q = 0; q < 2; q++) {
      int index = q + 1;
      double[] grid = new double[points];
      for (int i = 0; i < points; i++) {
        grid[i] =
            f.fits().truthX().nu(q) + (4.0 * i / (points - 1) - 2) * f.fits().truthX().error(q);
      }
      Scan scan =
          new Scan(
              NAMES.get(q),
              grid,
              profile(f.amortized().nll(), f.amortized().fit(), index, grid, steps),
              profile(trueMixtureNll(data, true), f.truthFit(), index, grid, steps),
              profile(trueMixtureNll(data, false), f.truthXFit(), index, grid, steps),
              profile(flowKinematicsNll(sim, data, evaluator), f.flowXFit(), index, grid, steps),
              profile(f.transported().nll(), f.transported().fit(), index, grid, steps),
              bootstrap.combined() == null
                  ? null
                  : profile(bootstrap.combined(), bootstrap.combinedFit(), index, grid, steps));
      scans.add(scan);
      Chart chart =
          Chart.titled(
                  "T4 profile likelihood of " + NAMES.get(q) + " (the other parameters profiled)",
                  NAMES.get(q),
                  "2 Delta NLL")
              .line(
                  "flow, amortized DOI",
                  defined(grid, scan.flow())[0],
                  defined(grid, scan.flow())[1])
              .dashed("true likelihood", grid, scan.truth())
              .dashed("true likelihood of x alone", grid, scan.truthX())
              .line("flow, learned kinematics alone", grid, scan.flowX())
              .line("flow, T transported (step 2 in closed form)", grid, scan.transported());
      if (scan.bootstrap() != null) {
        double[][] b = defined(grid, scan.bootstrap());
        chart =
            chart.line(
                "flow, bootstrap members' mean likelihood (" + bootstrap.members().size() + ")",
                b[0],
                b[1]);
      }
      save(chart, plots.resolve("t4-scan-" + NAMES.get(q) + ".png"));
    }
    return scans;
  }

  /** {x, y} of the points where y is defined (the amortized curve ends at its region). */
  private static double[][] defined(double[] x, double[] y) {
    int[] keep =
        java.util.stream.IntStream.range(0, x.length).filter(i -> Double.isFinite(y[i])).toArray();
    double[][] out = new double[2][keep.length];
    for (int j = 0; j < keep.length; j++) {
      out[0][j] = x[keep[j]];
      out[1][j] = y[keep[j]];
    }
    return out;
  }

  /**
   * 2 (NLL profiled at theta_index = t - its minimum) on the grid: the other parameters start from
   * their regression on theta_index under the fit's covariance and take one Newton step with the
   * conditional covariance (exact for a quadratic NLL; 2 n + 2 evaluations a point); the minimum is
   * the lower of the fit's and the grid's; NaN outside the scanned parameter's bounds.
   */
  static double[] profile(
      NegLogLikelihood nll, FitResult fit, int index, double[] grid, double[] steps) {
    double[][] v = fit.covariance();
    double[] best = fit.values();
    int n = best.length;
    double[][] conditional = new double[n][n];
    double[] others = new double[n - 1];
    for (int a = 0, o = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (a != index && b != index) {
          conditional[a][b] = v[a][b] - v[a][index] * v[index][b] / v[index][index];
        }
      }
      if (a != index) {
        others[o++] = steps[a];
      }
    }
    String name = nll.parameters().get(index).name();
    double[] values = new double[grid.length];
    double min = fit.nll();
    Parameter scanned = nll.parameters().get(index);
    for (int i = 0; i < grid.length; i++) {
      double t = grid[i];
      if (t < scanned.lower() || t > scanned.upper()) {
        // outside where the likelihood is defined (an amortized model's region)
        values[i] = Double.NaN;
        continue;
      }
      double[] start = best.clone();
      for (int a = 0; a < n; a++) {
        Parameter p = nll.parameters().get(a);
        double value = a == index ? t : best[a] + v[a][index] / v[index][index] * (t - best[index]);
        start[a] = Math.min(Math.max(value, p.lower()), p.upper());
      }
      NegLogLikelihood fixed = nll.withParameters(nll.parameters().with(name, p -> p.fixedAt(t)));
      values[i] = new Fitter(600, 1e-3).newtonStep(fixed, start, others, conditional).nll();
      min = Math.min(min, Double.isNaN(values[i]) ? min : values[i]);
    }
    for (int i = 0; i < grid.length; i++) {
      values[i] = 2 * (values[i] - min);
    }
    return values;
  }

  // ---------------------------------------------------------------- toys

  /**
   * Pulls (estimate - injected) / error of each fit over toy data sets drawn at the reference nu,
   * with one trained simulation.
   *
   * @param pulls fit (in {@link Measurement#LABELS}' order) x toy x nuisance
   * @param seconds the whole run
   */
  record Toys(double[][][] pulls, List<Measurement> fits, double seconds) {
    /**
     * {mean, its error, width, its error} of the pulls of fit i and nuisance k, then the mean and
     * spread of the estimates, their mean error and the number of toys counted: those whose fit has
     * an error (a Hessian that is not positive definite leaves it NaN).
     */
    double[] summary(int i, int k) {
      int n = (int) Arrays.stream(pulls[i]).filter(v -> !Double.isNaN(v[k])).count();
      double[] p = new double[n];
      double[] nu = new double[n];
      double error = 0;
      for (int t = 0, j = 0; t < pulls[i].length; t++) {
        if (Double.isNaN(pulls[i][t][k])) {
          continue;
        }
        p[j] = pulls[i][t][k];
        Fit f = fits.get(t).all().get(i);
        nu[j++] = f.nu(k);
        error += f.error(k) / n;
      }
      double[] pm = meanAndSd(p);
      double[] vm = meanAndSd(nu);
      return new double[] {
        pm[0],
        pm[1] / Math.sqrt(n),
        pm[1],
        pm[1] / Math.sqrt(2.0 * Math.max(1, n - 1)),
        vm[0],
        vm[1],
        error,
        n
      };
    }
  }

  /** {mean, sample standard deviation} of v. */
  private static double[] meanAndSd(double[] v) {
    double mean = Arrays.stream(v).average().orElse(Double.NaN);
    double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
    return new double[] {mean, Math.sqrt(var / Math.max(1, v.length - 1))};
  }

  static Toys toys(Settings s, int count, Device device, PrintStream out) {
    if (count < 2) {
      throw new IllegalArgumentException("toys = " + count + " must be >= 2 for a spread");
    }
    long start = System.nanoTime();
    double[] nu = ToyT4.REFERENCE_NU;
    List<Measurement> fits = new ArrayList<>();
    try (Simulation sim = simulate(s, device, out)) {
      BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
      for (int t = 0; t < count; t++) {
        ToyT4.Events data =
            ToyT4.generate(s.dataEvents(), nu[0], nu[1], true, Seeds.rng(s.seed(), 100, t));
        try (Fitted f = fit(sim, data, s, s.seed() + 1000L * (t + 1), device, evaluator, null)) {
          fits.add(f.fits());
          if (out != null) {
            out.printf("toy %d of %d:%n", t + 1, count);
            printFits(f.fits(), out);
          }
        }
      }
    }
    int labels = Measurement.LABELS.size();
    double[][][] pulls = new double[labels][count][2];
    for (int t = 0; t < count; t++) {
      List<Fit> all = fits.get(t).all();
      for (int i = 0; i < labels; i++) {
        for (int k = 0; k < 2; k++) {
          Fit f = all.get(i);
          pulls[i][t][k] = f.error(k) > 0 ? (f.nu(k) - nu[k]) / f.error(k) : Double.NaN;
        }
      }
    }
    return new Toys(pulls, fits, (System.nanoTime() - start) / 1e9);
  }

  static void printToys(Toys t, PrintStream out) {
    out.printf("pulls over %d toys (mean +- error, width +- error)%n", t.fits().size());
    for (int i = 0; i < Measurement.LABELS.size(); i++) {
      if (t.summary(i, 0)[7] == 0) {
        continue; // a fit without errors (the joint gradient-descent fit)
      }
      StringBuilder line = new StringBuilder(String.format("%-20s", Measurement.LABELS.get(i)));
      for (int k = 0; k < 2; k++) {
        double[] v = t.summary(i, k);
        line.append(
            String.format(
                "  %s: %+.2f +- %.2f, %.2f +- %.2f (nu %+.4f, spread %.4f, mean error %.4f; %d"
                    + " toys)",
                NAMES.get(k), v[0], v[1], v[2], v[3], v[4], v[5], v[6], (int) v[7]));
      }
      out.println(line);
    }
    out.printf("total %.0f s%n", t.seconds());
  }

  // ---------------------------------------------------------------- bootstrap

  /**
   * The Poisson(1) bootstrap: each member resamples the data (event i repeated Poisson(1) times),
   * refits step 1 from the data's T and nu-hat, then step 2 from the data's profiling flow on the
   * data's region ({@code bootstrapSteps} Adam steps each), and fits its amortized likelihood: the
   * spread of the members' estimates holds the data's statistics and the training's noise. The
   * combined likelihood is the mean of the members' amortized likelihoods, fitted by Newton steps
   * from the members' mean. Closing closes the members' flows.
   */
  record Bootstrap(
      List<DoiModel> fitted,
      List<Amortized> members,
      NegLogLikelihood combined,
      FitResult combinedFit)
      implements AutoCloseable {

    /** The members' amortized estimates (ratio, nu_shift, nu_squeeze) per member. */
    double[][] estimates() {
      return members.stream().map(m -> m.fit().values()).toArray(double[][]::new);
    }

    /** The members' mean and spread, the combined fit; null without members. */
    BootstrapSummary summary() {
      if (members.isEmpty()) {
        return null;
      }
      double[][] e = estimates();
      double[] mean = meanOf(e);
      return new BootstrapSummary(mean, sdOf(e, mean), fitOf(combinedFit, 0));
    }

    @Override
    public void close() {
      members.forEach(Amortized::close);
      fitted.forEach(m -> m.doi().close());
    }
  }

  /**
   * What the bootstrap gives: the mean and spread of the members' estimates and the fit of their
   * combined likelihood.
   */
  record BootstrapSummary(double[] mean, double[] sd, Fit combined) {}

  static Bootstrap bootstrap(
      Fitted f,
      ToyT4.Events data,
      Settings s,
      Device device,
      BatchEvaluator evaluator,
      PrintStream out) {
    List<DoiModel> fitted = new ArrayList<>();
    List<Amortized> members = new ArrayList<>();
    if (s.bootstrapMembers() == 0) {
      return new Bootstrap(fitted, members, null, null);
    }
    long start = System.nanoTime();
    Path saved;
    try {
      saved = Files.createTempDirectory("t4-bootstrap");
      FlowIO.save(f.model().doi(), Files.createDirectory(saved.resolve("doi")));
      FlowIO.save(f.amortized().model().profile(), Files.createDirectory(saved.resolve("profile")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the DOI for the bootstrap", e);
    }
    DoiModel model = f.model();
    Device on = model.doi().device();
    double[] nuHat = model.nu();
    double[] center = f.amortized().model().center();
    double[] halfWidths = f.amortized().model().halfWidths();
    double[] steps = steps(f.fits().truth());
    double[][] covariance =
        f.amortized().fit().status().isValid() ? f.amortized().fit().covariance() : null;
    FeatureMatrix all = events(data);
    try {
      for (int b = 0; b < s.bootstrapMembers(); b++) {
        long t0 = System.nanoTime();
        int[] rows = BootstrapCoverage.poissonRows(data.size(), Seeds.rng(s.seed(), 40, b));
        FeatureMatrix resampled = all.select(rows);
        DoiModel member =
            new DoiModel(
                model.kinematics(), model.features(), FlowIO.load(saved.resolve("doi"), on), 2);
        fitted.add(member);
        // step 1 from the data's T and nu-hat
        member.setNu(nuHat);
        train(
            member,
            DoiModel.fitObjective(resampled.size()),
            resampled,
            s,
            s.bootstrapSteps(),
            0,
            5e-4,
            s.seed() + 50 + b,
            null);
        // step 2 from the data's profiling flow, on the data's region: the members' likelihoods
        // share it, so their mean is defined there; a member's T is transported from where its
        // own step 1 fitted it
        double[] memberT = member.nu();
        member.setNu(center);
        Flow profile = FlowIO.load(saved.resolve("profile"), on);
        DoiModel amortized;
        try {
          amortized = profiled(member, profile, halfWidths, memberT, s);
        } catch (RuntimeException e) {
          profile.close();
          throw e;
        }
        members.add(new Amortized(amortized, null, null));
        trainProfile(amortized, resampled, s, s.bootstrapSteps(), 5e-4, s.seed() + 70 + b, null);
        // a member's errors are not used: Newton steps with the data's covariance
        NegLogLikelihood nll = FlowMixtureNll.of(amortized, resampled, evaluator, NAMES);
        FitResult fit =
            newton(nll, nll.parameters().initialValues(), steps, s.newtonSteps(), covariance);
        members.set(b, new Amortized(amortized, nll, fit));
        if (out != null) {
          out.printf(
              "bootstrap member %d: %d events, nu = %+.4f, %+.4f (%s, %.0f s)%n",
              b, resampled.size(), fit.values()[1], fit.values()[2], fit.status(), seconds(t0));
        }
      }
      NegLogLikelihood combined = combined(members);
      FitResult combinedFit =
          newtonFrom(combined, combined.parameters().initialValues(), covariance, steps);
      if (out != null) {
        out.printf(
            "bootstrap: %d members, combined likelihood %s (%.0f s)%n",
            members.size(), combinedFit.status(), seconds(start));
      }
      return new Bootstrap(fitted, members, combined, combinedFit);
    } catch (IOException e) {
      new Bootstrap(fitted, members, null, null).close();
      throw new UncheckedIOException("cannot load the saved flows from " + saved, e);
    } catch (RuntimeException e) {
      new Bootstrap(fitted, members, null, null).close();
      throw e;
    } finally {
      deleteQuietly(saved);
    }
  }

  /**
   * The mean of the members' likelihoods (which share their parameters: the data's region),
   * starting at the members' mean estimate.
   */
  static NegLogLikelihood combined(List<Amortized> members) {
    Parameters first = members.get(0).nll().parameters();
    double[] mean = meanOf(members.stream().map(m -> m.fit().values()).toArray(double[][]::new));
    List<Parameter> list = new ArrayList<>();
    for (int i = 0; i < first.size(); i++) {
      Parameter p = first.get(i);
      list.add(p.withInitial(Math.min(Math.max(mean[i], p.lower()), p.upper())));
    }
    Parameters parameters = Parameters.of(list);
    // each member's value holds the constraint terms, which NegLogLikelihood.of adds once more
    return NegLogLikelihood.of(
        parameters,
        theta ->
            members.stream().mapToDouble(m -> m.nll().value(theta)).sum() / members.size()
                - parameters.constraintNll(theta));
  }

  /** Removes the bootstrap's saved flows (a temporary directory of a few files). */
  private static void deleteQuietly(Path dir) {
    try {
      Directories.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the bootstrap's temporary " + dir, e);
    }
  }

  private static double[] meanOf(double[][] rows) {
    double[] m = new double[rows[0].length];
    for (double[] r : rows) {
      for (int j = 0; j < m.length; j++) {
        m[j] += r[j] / rows.length;
      }
    }
    return m;
  }

  private static double[] sdOf(double[][] rows, double[] mean) {
    double[] v = new double[mean.length];
    for (double[] r : rows) {
      for (int j = 0; j < v.length; j++) {
        v[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / Math.max(1, rows.length - 1);
      }
    }
    for (int j = 0; j < v.length; j++) {
      v[j] = Math.sqrt(v[j]);
    }
    return v;
  }
}
