package org.cnflows.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.cnflows.common.Directories;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.examples.plots.Chart;
import org.cnflows.flows.Activation;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LearningRateSchedule;
import org.cnflows.flows.SplineTransform;
import org.cnflows.flows.Trainer;
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
   * @param flowFinish steps of large batches at a small step size that end each simulation flow's
   *     training ({@link T4Training#trainSimulationFlow}; 0 for none)
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
   * @param refitSteps Adam steps of each refit of the profile over the DOI by explicit refits, at
   *     every scan point ({@link #refitProfiles}); 0 for none
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
      int flowFinish,
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
      int refitSteps,
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
      if (flowFinish < 0) {
        throw new IllegalArgumentException("flow finish = " + flowFinish + " steps < 0");
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
      if (refitSteps < 0) {
        throw new IllegalArgumentException("refit steps = " + refitSteps + " < 0");
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
      double[] bootstrap,
      double[] refit) {
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
    ToyT4.Events nominal = T4Simulation.nominalEvents(s);
    try (T4Simulation sim = T4Simulation.simulate(s, device, out, false)) {
      BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
      for (int t = 0; t < dataSets; t++) {
        ToyT4.Events data =
            ToyT4.generate(s.dataEvents(), nu[0], nu[1], false, Seeds.rng(s.seed(), 100, t));
        FitResult truth = truthFit(T4Likelihoods.trueMixtureNll(data, false));
        Fit tx = fitOf(truth, 0);
        long t0 = System.nanoTime();
        double[] steps = {0.02, 0.5 * tx.error(0), 0.5 * tx.error(1)};
        Fit fx = fitOf(kinematicsFit(sim, data, evaluator, truth, steps), seconds(t0));
        Fit fb =
            fitOf(
                fromTruth(
                    T4Likelihoods.trueDeformationNll(
                        data, T4Likelihoods.learnedNominal(sim, evaluator)),
                    truth,
                    steps),
                0);
        Fit fg =
            fitOf(
                fromTruth(
                    T4Likelihoods.trueDeformationNll(data, T4Likelihoods.sampleNominal(nominal)),
                    truth,
                    steps),
                0);
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
      if (scan.refit() != null) {
        out.printf(
            "  T refitted at each point: max |2 Delta NLL| - truth(x) %.3f, amortized - refitted"
                + " %.3f%n",
            Scan.maxDifference(scan.refit(), scan.truthX()),
            Scan.maxDifference(scan.flow(), scan.refit()));
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
            (scan.bootstrap() == null
                    ? ""
                    : String.format(", bootstrap %6.3f", scan.bootstrap()[i]))
                + (scan.refit() == null ? "" : String.format(", refitted %6.3f", scan.refit()[i])));
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

  static double[] round(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = Math.round(v[i] * 1000) / 1000.0;
    }
    return o;
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
    try (T4Simulation sim = T4Simulation.simulate(s, device, out)) {
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
        T4Plots.pulls(sim, modes, fit, device, plots);
        T4Plots.doiPulls(f.amortized().model(), modes, fit, device, plots);
        try (Bootstrap b = bootstrap(f, data, s, device, evaluator, out)) {
          List<Scan> scans = scans(f, b, sim, data, s, evaluator, plots, out);
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
      T4Simulation sim,
      ToyT4.Events data,
      Settings s,
      long seed,
      Device device,
      BatchEvaluator evaluator,
      PrintStream out) {
    FitResult truthFit = truthFit(T4Likelihoods.trueMixtureNll(data, true));
    Fit truth = fitOf(truthFit, 0);
    FitResult truthXFit = truthFit(T4Likelihoods.trueMixtureNll(data, false));
    Fit truthX = fitOf(truthXFit, 0);
    double[] steps = steps(truth);
    Fit truth32 =
        fitOf(
            new Fitter(600, 1e-3)
                .newtonStep(
                    T4Likelihoods.float32(data), truthFit.values(), steps, truthFit.covariance()),
            0);
    long t0 = System.nanoTime();
    FitResult flowXFit = kinematicsFit(sim, data, evaluator, truthXFit, steps);
    Fit flowX = fitOf(flowXFit, seconds(t0));
    FeatureCheck features = featureCheck(sim, data, evaluator, truthXFit, steps);
    if (out != null) {
      printFeatureCheck(features, out);
    }
    FeatureMatrix events = T4Rows.events(data);
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
          T4Training.train(
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
      T4Training.train(
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
      double[][] heldY = T4Likelihoods.heldFeatures(data, model, joint, evaluator);
      NegLogLikelihood transportedNll =
          T4Likelihoods.flowKinematicsNll(sim, data, evaluator, nu -> heldY);
      Likelihood transportedFit =
          new Likelihood(transportedNll, fromTruth(transportedNll, truthXFit, steps));
      Fit transported = fitOf(transportedFit.fit(), seconds(t0));
      // the closed form with the true kinematics: what T's y part, as a tag of the classes, does
      // to the x-only fit without the learned kinematics' own offset
      Fit transportedTrueX =
          fitOf(
              fromTruth(
                  T4Likelihoods.mixture(T4Likelihoods.trueXPlus(data, nu -> heldY)),
                  truthXFit,
                  steps),
              0);
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
    Flow profile = T4Simulation.residual(2 + 2 + 2, device, seed);
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
            T4Training.config(
                steps,
                rate,
                profilingBatch(s.batchSize()),
                T4Training.lastSteps(s.profileAverage(), steps),
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

  /**
   * The fit of the learned p(x | c, nu) alone: a Newton step from the true x-only minimum with its
   * covariance, then a full one (the start does not bias a converged Newton fit, and saves a
   * Hessian: ~26 passes over the data).
   */
  private static FitResult kinematicsFit(
      T4Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      FitResult truthX,
      double[] steps) {
    return fromTruth(T4Likelihoods.flowKinematicsNll(sim, data, evaluator), truthX, steps);
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

  /** The fits of {@link FeatureCheck}, each from the true x-only minimum. */
  static FeatureCheck featureCheck(
      T4Simulation sim,
      ToyT4.Events data,
      BatchEvaluator evaluator,
      FitResult truthX,
      double[] steps) {
    double[] nu = ToyT4.REFERENCE_NU;
    Function<T4Likelihoods.FeatureDensity, Fit> fit =
        y -> fitOf(fromTruth(T4Likelihoods.heldFeaturesNll(data, y), truthX, steps), 0);
    Function<NegLogLikelihood, Fit> fitMoving = nll -> fitOf(fromTruth(nll, truthX, steps), 0);
    Function<double[], double[][]> learnedY =
        T4Likelihoods.movingFeatures(data, at -> T4Likelihoods.learnedFeatures(sim, evaluator, at));
    return new FeatureCheck(
        fit.apply(T4Likelihoods.trueFeatures(nu)),
        fit.apply(
            T4Likelihoods.deformedFeatures(T4Likelihoods.learnedFeatureBase(sim, evaluator), nu)),
        fit.apply(T4Likelihoods.learnedFeatures(sim, evaluator, nu)),
        fitMoving.apply(T4Likelihoods.mixture(T4Likelihoods.trueXPlus(data, learnedY))),
        fitMoving.apply(T4Likelihoods.flowKinematicsNll(sim, data, evaluator, learnedY)));
  }

  private static Flow newDoi(Device device, long seed) {
    return Flows.autoregressive(2, 4, 2, SplineTransform.of(8, 6), 32, 1, Activation.GELU)
        .optDevice(device)
        .optSeed(seed + 30)
        .build();
  }

  // ---------------------------------------------------------------- deformation check

  static Deformation deformation(
      T4Simulation sim, Device device, int probeEvents, long seed, Path plots) {
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
    T4Plots.deformationPlot(sim, evaluator, plots);
    return new Deformation(a[0], a[1], b[0], b[1], a[2], a[3]);
  }

  /**
   * RMS errors {x, y} of learned minus true log-density changes over events and nu settings, then
   * the RMS of the true changes {x, y}.
   */
  private static double[] rms(
      T4Simulation sim, ToyT4.Events probe, List<double[]> settings, BatchEvaluator evaluator) {
    FeatureMatrix x0 = T4Rows.kinematics(probe, new double[] {0, 0});
    FeatureMatrix y0 = T4Rows.features(probe, new double[] {0, 0});
    float[] lx0 = evaluator.evaluate(x0, List.of(sim.kinematics().logProb()))[0];
    float[] ly0 = evaluator.evaluate(y0, List.of(sim.features().logProb()))[0];
    double sx = 0;
    double sy = 0;
    double ix = 0;
    double iy = 0;
    long n = 0;
    for (double[] nu : settings) {
      float[] lx =
          evaluator.evaluate(T4Rows.kinematics(probe, nu), List.of(sim.kinematics().logProb()))[0];
      float[] ly =
          evaluator.evaluate(T4Rows.features(probe, nu), List.of(sim.features().logProb()))[0];
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

  // ---------------------------------------------------------------- scans

  /**
   * The profile of each nuisance for the amortized flow likelihood, the true likelihood, the true
   * likelihood of x alone and the learned kinematics alone on the same grid, plotted together.
   */
  private static List<Scan> scans(
      Fitted f,
      Bootstrap bootstrap,
      T4Simulation sim,
      ToyT4.Events data,
      Settings s,
      BatchEvaluator evaluator,
      Path plots,
      PrintStream out) {
    double[] steps = steps(f.fits().truth());
    int points = s.scanPoints();
    double[][] grids = new double[2][points];
    for (int q = 0; q < 2; q++) {
      for (int i = 0; i < points; i++) {
        grids[q][i] =
            f.fits().truthX().nu(q) + (4.0 * i / (points - 1) - 2) * f.fits().truthX().error(q);
      }
    }
    double[][] refits = refitProfiles(f, grids, data, s, evaluator, out);
    List<Scan> scans = new ArrayList<>();
    for (int q = 0; q < 2; q++) {
      int index = q + 1;
      double[] grid = grids[q];
      Scan scan =
          new Scan(
              NAMES.get(q),
              grid,
              profile(f.amortized().nll(), f.amortized().fit(), index, grid, steps),
              profile(T4Likelihoods.trueMixtureNll(data, true), f.truthFit(), index, grid, steps),
              profile(T4Likelihoods.trueMixtureNll(data, false), f.truthXFit(), index, grid, steps),
              profile(
                  T4Likelihoods.flowKinematicsNll(sim, data, evaluator),
                  f.flowXFit(),
                  index,
                  grid,
                  steps),
              profile(f.transported().nll(), f.transported().fit(), index, grid, steps),
              bootstrap.combined() == null
                  ? null
                  : profile(bootstrap.combined(), bootstrap.combinedFit(), index, grid, steps),
              refits == null ? null : refits[q]);
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
      if (scan.refit() != null) {
        chart =
            chart.line(
                "flow, T refitted at each point (the profile over the DOI)", grid, scan.refit());
      }
      if (scan.bootstrap() != null) {
        double[][] b = defined(grid, scan.bootstrap());
        chart =
            chart.line(
                "flow, bootstrap members' mean likelihood (" + bootstrap.members().size() + ")",
                b[0],
                b[1]);
      }
      T4Plots.save(chart, plots.resolve("t4-scan-" + NAMES.get(q) + ".png"));
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
   * their regression on theta_index under the fit's covariance ({@link #profiledAt}); the minimum
   * is the lower of the fit's and the grid's; NaN outside the scanned parameter's bounds.
   */
  static double[] profile(
      NegLogLikelihood nll, FitResult fit, int index, double[] grid, double[] steps) {
    double[][] v = fit.covariance();
    double[] best = fit.values();
    double[] values = new double[grid.length];
    double min = fit.nll();
    for (int i = 0; i < grid.length; i++) {
      double t = grid[i];
      double[] start = new double[best.length];
      for (int a = 0; a < best.length; a++) {
        start[a] = a == index ? t : best[a] + v[a][index] / v[index][index] * (t - best[index]);
      }
      values[i] = profiledAt(nll, start, index, v, steps);
      min = Math.min(min, Double.isNaN(values[i]) ? min : values[i]);
    }
    return relative(values, min);
  }

  /** 2 (value - min) of each value (NaN stays NaN). */
  private static double[] relative(double[] values, double min) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = 2 * (values[i] - min);
    }
    return out;
  }

  /**
   * The NLL at theta_index = start[index] with the other parameters profiled: from the start
   * (clamped into the bounds), one Newton step with the covariance conditional on theta_index
   * (exact for a quadratic NLL; 2 n + 2 evaluations); NaN outside the scanned parameter's bounds
   * (an amortized model's region).
   *
   * @param covariance the covariance of all the parameters at the fit, whose conditional on
   *     theta_index stands for the inverse Hessian of the others
   * @param steps the finite-difference step of each parameter
   */
  private static double profiledAt(
      NegLogLikelihood nll, double[] start, int index, double[][] covariance, double[] steps) {
    int n = start.length;
    Parameter scanned = nll.parameters().get(index);
    double t = start[index];
    if (t < scanned.lower() || t > scanned.upper()) {
      return Double.NaN;
    }
    double[][] conditional = new double[n][n];
    double[] others = new double[n - 1];
    for (int a = 0, o = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (a != index && b != index) {
          conditional[a][b] =
              covariance[a][b]
                  - covariance[a][index] * covariance[index][b] / covariance[index][index];
        }
      }
      if (a != index) {
        others[o++] = steps[a];
      }
    }
    double[] clamped = start.clone();
    for (int a = 0; a < n; a++) {
      Parameter p = nll.parameters().get(a);
      clamped[a] = Math.min(Math.max(start[a], p.lower()), p.upper());
    }
    NegLogLikelihood fixed =
        nll.withParameters(nll.parameters().with(scanned.name(), p -> p.fixedAt(t)));
    return new Fitter(600, 1e-3).newtonStep(fixed, clamped, others, conditional).nll();
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
    try (T4Simulation sim = T4Simulation.simulate(s, device, out)) {
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
    FeatureMatrix all = T4Rows.events(data);
    try {
      for (int b = 0; b < s.bootstrapMembers(); b++) {
        long t0 = System.nanoTime();
        int[] rows = BootstrapCoverage.poissonRows(data.size(), Seeds.rng(s.seed(), 40, b));
        FeatureMatrix resampled = all.select(rows);
        // step 1 from the data's T and nu-hat
        DoiModel member =
            refit(
                model,
                saved.resolve("doi"),
                resampled,
                nuHat,
                new boolean[2],
                s.bootstrapSteps(),
                s,
                s.seed() + 50 + b,
                fitted);
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
   * Step 1 again from a fitted model's T (saved in {@code doi}) at the given nu, the nuisances
   * flagged in {@code held} held there: T, the fractions and the free nuisances trained by Adam
   * from a small step size (5e-4). The new model is added to {@code into} as soon as it exists, so
   * that its T is closed with the others whatever happens.
   */
  private static DoiModel refit(
      DoiModel model,
      Path doi,
      FeatureMatrix rows,
      double[] nu,
      boolean[] held,
      int steps,
      Settings s,
      long seed,
      List<DoiModel> into)
      throws IOException {
    DoiModel refit =
        new DoiModel(
            model.kinematics(), model.features(), FlowIO.load(doi, model.doi().device()), 2);
    into.add(refit);
    refit.setNu(nu);
    refit.holdNu(held);
    T4Training.train(
        refit, DoiModel.fitObjective(rows.size()), rows, s, steps, 0, 5e-4, seed, null);
    return refit;
  }

  /**
   * The profile over the DOI by explicit refits, what the amortized likelihood stands for without
   * them: at each point of each nuisance's grid, step 1 again from the fitted T and nu-hat ({@link
   * #refit}, {@link Settings#refitSteps} steps) with that nuisance held at the point, then the NLL
   * of the refitted model (T frozen) with the other parameters profiled by a Newton step; 2 Delta
   * NLL against the same refit with nothing held (the minimum over the whole family), or against
   * the lowest point if one is lower. Null without refit steps.
   *
   * @param grids each nuisance's grid, as the other scans'
   * @return 2 Delta NLL per nuisance and point
   */
  private static double[][] refitProfiles(
      Fitted f,
      double[][] grids,
      ToyT4.Events data,
      Settings s,
      BatchEvaluator evaluator,
      PrintStream out) {
    if (s.refitSteps() == 0) {
      return null;
    }
    long start = System.nanoTime();
    FeatureMatrix events = T4Rows.events(data);
    double[] nuHat = f.model().nu();
    double[] steps = steps(f.fits().truth());
    List<DoiModel> models = new ArrayList<>();
    Path saved = null;
    try {
      saved = Files.createTempDirectory("t4-refit");
      FlowIO.save(f.model().doi(), Files.createDirectory(saved.resolve("doi")));
      DoiModel best =
          refit(
              f.model(),
              saved.resolve("doi"),
              events,
              nuHat,
              new boolean[2],
              s.refitSteps(),
              s,
              s.seed() + 90,
              models);
      NegLogLikelihood bestNll = FlowMixtureNll.of(best, events, evaluator, NAMES);
      FitResult bestFit = newton(bestNll, startOf(best), steps, s.newtonSteps());
      if (out != null) {
        out.printf(
            "refit with nothing held: nu = %+.4f, %+.4f (%s)%n",
            bestFit.values()[1], bestFit.values()[2], bestFit.status());
      }
      double[][] profiles = new double[2][];
      for (int q = 0; q < 2; q++) {
        double[] values = new double[grids[q].length];
        double min = bestFit.nll();
        for (int i = 0; i < values.length; i++) {
          double[] nu = nuHat.clone();
          nu[q] = grids[q][i];
          boolean[] held = new boolean[2];
          held[q] = true;
          DoiModel point =
              refit(
                  f.model(),
                  saved.resolve("doi"),
                  events,
                  nu,
                  held,
                  s.refitSteps(),
                  s,
                  s.seed() + 91 + 100L * q + i,
                  models);
          NegLogLikelihood nll = FlowMixtureNll.of(point, events, evaluator, NAMES);
          values[i] = profiledAt(nll, startOf(point), q + 1, bestFit.covariance(), steps);
          min = Math.min(min, values[i]);
          point.doi().close();
          models.remove(point);
        }
        profiles[q] = relative(values, min);
      }
      if (out != null) {
        out.printf(
            "profiles by refits: %d points of %d steps each (%.0f s)%n",
            1 + grids[0].length + grids[1].length, s.refitSteps(), seconds(start));
      }
      return profiles;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save or load the DOI for the refits", e);
    } finally {
      models.forEach(m -> m.doi().close());
      if (saved != null) {
        deleteQuietly(saved);
      }
    }
  }

  /** (ratio, nu_shift, nu_squeeze) of a fitted model: where its likelihood's fit starts. */
  private static double[] startOf(DoiModel model) {
    double[] a = model.fractions();
    double[] nu = model.nu();
    return new double[] {a[0] / a[1], nu[0], nu[1]};
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

  /** Removes saved flows (a temporary directory of a few files). */
  private static void deleteQuietly(Path dir) {
    try {
      Directories.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the temporary " + dir, e);
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
