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
import org.cnflows.common.Directories;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.examples.plots.Chart;
import org.cnflows.flows.Activation;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.ConsoleProgress;
import org.cnflows.flows.Devices;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.ResidualFlow;
import org.cnflows.flows.SplineTransform;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.TrainingListener;
import org.cnflows.profiling.DoiModel;
import org.cnflows.profiling.FlowMixtureNll;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Impact;
import org.cnflows.stats.NegLogLikelihood;
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
   * @param doiSteps Adam steps of the joint fit of T, nu and the fractions
   * @param bootstrapMembers Poisson-bootstrap members (0 for none)
   * @param bootstrapSteps Adam steps of each member's refit of T (from the data's T)
   * @param cornerTemplates also train on the 4 templates with both nuisances at +-1 (cross terms)
   * @param seed master seed
   */
  record Settings(
      int nominalEvents,
      int templateEvents,
      int dataEvents,
      int flowSteps,
      int residualSteps,
      int doiSteps,
      int bootstrapMembers,
      int bootstrapSteps,
      boolean cornerTemplates,
      long seed) {
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
      if (flowSteps < 1 || residualSteps < 1 || doiSteps < 1 || bootstrapSteps < 1) {
        throw new IllegalArgumentException(
            "steps "
                + flowSteps
                + ", "
                + residualSteps
                + ", "
                + doiSteps
                + ", "
                + bootstrapSteps
                + ": all must be >= 1");
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
  record Fit(double[] values, double[] errors, String status, double seconds) {}

  /** Everything a study measured. */
  record Report(
      Deformation deformation,
      Fit truth,
      Fit flow,
      double[] bootstrapMean,
      double[] bootstrapSd,
      UncertaintyModes modes,
      List<Impact> impacts,
      double seconds) {}

  private T4Study() {}

  static int run(String[] args, PrintStream out) {
    Settings full =
        new Settings(
            100_000,
            50_000,
            100_000,
            intArg(args, 1, 4000),
            intArg(args, 2, 2000),
            intArg(args, 3, 3000),
            intArg(args, 4, 8),
            intArg(args, 5, 600),
            !(args.length > 6 && args[6].equals("axes")),
            1);
    Path plots = Path.of(args.length > 0 ? args[0] : "t4-plots");
    Report r = study(full, Devices.fromSystemProperty(), plots, out);
    print(r, out);
    return 0;
  }

  private static int intArg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }

  static void print(Report r, PrintStream out) {
    Deformation d = r.deformation();
    out.printf(
        "deformation RMS (nats): x %.4f, y %.4f (one nuisance moved); x %.4f, y %.4f (both);"
            + " identity x %.4f, y %.4f%n",
        d.xOnAxes(), d.yOnAxes(), d.xBoth(), d.yBoth(), d.xIdentity(), d.yIdentity());
    out.println("fit                 nu_shift            nu_squeeze          ratio A/B   time");
    for (Fit f : List.of(r.truth(), r.flow())) {
      out.printf(
          "%-18s  %+.4f +- %.4f   %+.4f +- %.4f   %.4f     %.0f s  %s%n",
          f == r.truth() ? "true likelihood" : "flow (DOI)",
          f.values()[1],
          f.errors()[1],
          f.values()[2],
          f.errors()[2],
          f.values()[0],
          f.seconds(),
          f.status());
    }
    if (r.bootstrapMean() != null) {
      out.printf(
          "bootstrap           %+.4f +- %.4f   %+.4f +- %.4f%n",
          r.bootstrapMean()[1], r.bootstrapSd()[1], r.bootstrapMean()[2], r.bootstrapSd()[2]);
    }
    out.println(
        "reference (authors): single +0.476 / -0.528; bootstrap 0.486 +- 0.009 / -0.523 +- 0.011");
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
      xBase.close();
      yBase.close();
      xResidual.close();
      yResidual.close();
    }
  }

  static Report study(Settings s, Device device, Path plots, PrintStream out) {
    long start = System.nanoTime();
    try (Simulation sim = simulate(s, device, out)) {
      Deformation deformation = deformation(sim, device, s.seed(), plots);
      out.printf(
          "deformation RMS: x %.4f / y %.4f nats (one nuisance), %.4f / %.4f (both)%n",
          deformation.xOnAxes(), deformation.yOnAxes(), deformation.xBoth(), deformation.yBoth());
      double[] nu = ToyT4.REFERENCE_NU;
      ToyT4.Events data =
          ToyT4.generate(s.dataEvents(), nu[0], nu[1], true, Seeds.rng(s.seed(), 9));
      Fit truth = truthFit(data);
      out.printf(
          "true likelihood: nu = %+.4f +- %.4f, %+.4f +- %.4f%n",
          truth.values()[1], truth.errors()[1], truth.values()[2], truth.errors()[2]);
      FeatureMatrix events = events(data);
      BatchEvaluator evaluator = new BatchEvaluator(device, 8192);
      try (Flow doi = newDoi(device, s.seed())) {
        DoiModel model = new DoiModel(sim.kinematics(), sim.features(), doi, 2);
        long t0 = System.nanoTime();
        train(model, events, s.doiSteps(), 2e-3, s.seed() + 20, out);
        NegLogLikelihood nll = FlowMixtureNll.of(model, events, evaluator, NAMES);
        double[] steps = steps(truth);
        FitResult fit = newton(nll, model, steps);
        Fit flow = fitOf(fit, (System.nanoTime() - t0) / 1e9);
        out.printf(
            "flow (DOI): nu = %+.4f +- %.4f, %+.4f +- %.4f (%s, %d evaluations)%n",
            flow.values()[1],
            flow.errors()[1],
            flow.values()[2],
            flow.errors()[2],
            fit.status(),
            fit.evaluations());
        UncertaintyModes modes =
            fit.status().isValid() ? fit.uncertaintyModes() : noModes(fit.parameters().names());
        List<Impact> impacts = fit.status().isValid() ? impacts(fit) : List.of();
        model.setNu(new double[] {fit.value(NAMES.get(0)), fit.value(NAMES.get(1))});
        pulls(sim, modes, fit, device, plots);
        scans(nll, fit, data, truth, plots);
        double[][] members = bootstrap(model, data, s, evaluator, fit, steps, out);
        double[] mean = members == null ? null : meanOf(members);
        double[] sd = members == null ? null : sdOf(members, mean);
        return new Report(
            deformation, truth, flow, mean, sd, modes, impacts, (System.nanoTime() - start) / 1e9);
      }
    }
  }

  /** Finite-difference steps of half the true likelihood's errors (ratio: 0.02). */
  private static double[] steps(Fit truth) {
    return new double[] {0.02, 0.5 * truth.errors()[1], 0.5 * truth.errors()[2]};
  }

  /**
   * The fit with T frozen: two Newton steps from the jointly trained nu and fractions (the
   * gradient-descent fit is already close; a Powell minimization would cost ~100 passes over the
   * data), the covariance from the coarse-step Hessian.
   */
  private static FitResult newton(NegLogLikelihood nll, DoiModel model, double[] steps) {
    Fitter fitter = new Fitter(600, 1e-3);
    double[] start = nll.parameters().initialValues();
    FitResult first = fitter.newtonStep(nll, start, steps);
    if (!first.status().isValid()) {
      return first;
    }
    FitResult second = fitter.newtonStep(nll, first.values(), steps);
    return second.status().isValid() ? second : first;
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

  /** The true likelihood of the same data with the yield ratio floating. */
  private static Fit truthFit(ToyT4.Events data) {
    long t0 = System.nanoTime();
    FitResult f = Fitter.defaults().fit(trueMixtureNll(data));
    return fitOf(f, (System.nanoTime() - t0) / 1e9);
  }

  /** The true per-class densities (distortion removed) in the same mixture likelihood. */
  static NegLogLikelihood trueMixtureNll(ToyT4.Events data) {
    return new org.cnflows.stats.models.UnbinnedMixtureNll(
        org.cnflows.stats.Parameters.of(
            org.cnflows.stats.Parameter.of(FlowMixtureNll.RATIO, 1, 0.05, 20),
            org.cnflows.stats.Parameter.gaussian(NAMES.get(0), 0, 1, -3, 3),
            org.cnflows.stats.Parameter.gaussian(NAMES.get(1), 0, 1, -3, 3)),
        FlowMixtureNll.RATIO,
        NAMES,
        nu -> {
          double[][] l = new double[2][data.size()];
          for (int i = 0; i < data.size(); i++) {
            double[] x = data.x()[i];
            for (int c = 0; c < 2; c++) {
              double[] y = ToyT4.undistort(x, data.y()[i], c);
              l[c][i] =
                  ToyT4.logDensityX(x, c, nu[0], nu[1])
                      + ToyT4.logDensityY(x, y, c, nu[0], nu[1])
                      - ToyT4.logDetDistortion(c);
            }
          }
          return new org.cnflows.stats.models.LogDensities(l[0], l[1]);
        },
        1,
        1,
        false);
  }

  // ---------------------------------------------------------------- simulation

  static Simulation simulate(Settings s, Device device, PrintStream out) {
    ToyT4.Events nominal = ToyT4.generate(s.nominalEvents(), 0, 0, false, Seeds.rng(s.seed(), 1));
    out.printf("T4: %d nominal events; nominal flow p(x | c):%n", s.nominalEvents());
    Flow xBase =
        Flows.autoregressive(2, 2, 3, SplineTransform.of(8, 5), 64, 1, Activation.GELU)
            .optDevice(device)
            .optSeed(s.seed() + 1)
            .build();
    Flow yBase = null;
    Flow xResidual = null;
    Flow yResidual = null;
    try {
      train(xBase, kinematics(nominal, null), s.flowSteps(), 1e-3, s.seed() + 2, out);
      out.println("nominal flow p(y | x, c):");
      yBase =
          Flows.autoregressive(2, 4, 3, SplineTransform.of(8, 6), 64, 1, Activation.GELU)
              .optDevice(device)
              .optSeed(s.seed() + 3)
              .build();
      train(yBase, features(nominal, null), s.flowSteps(), 1e-3, s.seed() + 4, out);
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
      xResidual = residual(2 + 2, device, s.seed() + 5);
      trainResidual(new ResidualFlow(xBase, xResidual), xt, s.residualSteps(), s.seed() + 6, out);
      out.println("residual of p(y | x, c, nu):");
      yResidual = residual(4 + 2, device, s.seed() + 7);
      trainResidual(new ResidualFlow(yBase, yResidual), yt, s.residualSteps(), s.seed() + 8, out);
      return new Simulation(xBase, yBase, xResidual, yResidual);
    } catch (RuntimeException e) {
      for (Flow f : new Flow[] {xBase, yBase, xResidual, yResidual}) {
        if (f != null) {
          f.close();
        }
      }
      throw e;
    }
  }

  private static void trainResidual(
      ResidualFlow model, List<FeatureMatrix> templates, int steps, long seed, PrintStream out) {
    Trainer.train(
            model,
            ResidualFlow.MAXIMUM_LIKELIHOOD,
            List.of(FeatureMatrix.concat(templates)),
            config(steps, 2e-3, seed, out))
        .requireSuccess();
  }

  private static Flow residual(int context, Device device, long seed) {
    return Flow.builder()
        .setDim(2)
        .optContext(context)
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

  private static TrainingConfig config(int steps, double rate, long seed, PrintStream out) {
    return TrainingConfig.builder()
        .optSteps(steps)
        .optBatchSize(1024)
        .optLearningRate(rate)
        .optEvaluateEvery(Math.max(1, steps / 4))
        .optValidationFraction(0)
        .optKeepBest(false)
        .optSeed(seed)
        .optListener(out == null ? TrainingListener.NONE : new ConsoleProgress(out))
        .build();
  }

  private static void train(
      Flow flow, FeatureMatrix data, int steps, double rate, long seed, PrintStream out) {
    Trainer.fit(flow, data, config(steps, rate, seed, out)).requireSuccess();
  }

  private static void train(
      DoiModel model, FeatureMatrix events, int steps, double rate, long seed, PrintStream out) {
    Trainer.train(
            model,
            DoiModel.fitObjective(events.size()),
            List.of(events),
            config(steps, rate, seed, out))
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

  static Deformation deformation(Simulation sim, Device device, long seed, Path plots) {
    ToyT4.Events probe = ToyT4.generate(4000, 0, 0, false, Seeds.rng(seed, 3));
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

  /**
   * Each eigen-mode of the covariance drawn as the displacement it causes on the kinematics of
   * class B: x' = R^-1(R(x; nu-hat); nu-hat + sqrt(lambda) v) - x on a grid, magnified.
   */
  private static void pulls(
      Simulation sim, UncertaintyModes modes, FitResult fit, Device device, Path plots) {
    double[] var = modes.variances();
    double[][] dir = modes.directions();
    List<String> names = modes.names();
    double[] hat = {fit.value(NAMES.get(0)), fit.value(NAMES.get(1))};
    int side = 11;
    for (int k = 0; k < var.length; k++) {
      double[] moved = hat.clone();
      for (int j = 0; j < names.size(); j++) {
        int q = NAMES.indexOf(names.get(j));
        if (q >= 0) {
          moved[q] += Math.sqrt(var[k]) * dir[k][j];
        }
      }
      double[] px = new double[side * side];
      double[] py = new double[side * side];
      double[] dx = new double[side * side];
      double[] dy = new double[side * side];
      float[] grid = new float[side * side * 2];
      for (int i = 0; i < side; i++) {
        for (int j = 0; j < side; j++) {
          int r = i * side + j;
          px[r] = -2 + 4.0 * i / (side - 1);
          py[r] = -1.5 + 3.0 * j / (side - 1);
          grid[2 * r] = (float) px[r];
          grid[2 * r + 1] = (float) py[r];
        }
      }
      float[] shifted = displaced(sim, grid, 1, hat, moved, device);
      double magnify = 20;
      for (int r = 0; r < px.length; r++) {
        dx[r] = magnify * (shifted[2 * r] - grid[2 * r]);
        dy[r] = magnify * (shifted[2 * r + 1] - grid[2 * r + 1]);
      }
      save(
          Chart.titled(
                  String.format(
                      "T4 pull mode %d (sigma %.4f along %s %s), class B, x20",
                      k, Math.sqrt(var[k]), names, Arrays.toString(round(dir[k]))),
                  "x1",
                  "x2")
              .arrows("displacement of x", px, py, dx, dy),
          plots.resolve("t4-pull-mode" + k + ".png"));
    }
  }

  /** R^-1(R(x; c, from); c, to) for rows of x (row-major pairs). */
  private static float[] displaced(
      Simulation sim, float[] x, int c, double[] from, double[] to, Device device) {
    int n = x.length / 2;
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray xs = m.create(x, new Shape(n, 2));
      float[] hot = {c == 0 ? 1 : 0, c == 1 ? 1 : 0};
      NDArray oneHot = m.create(hot, new Shape(1, 2)).repeat(0, n);
      NDArray a =
          m.create(new float[] {(float) from[0], (float) from[1]}, new Shape(1, 2)).repeat(0, n);
      NDArray b =
          m.create(new float[] {(float) to[0], (float) to[1]}, new Shape(1, 2)).repeat(0, n);
      NDArray z = sim.kinematics().transform(xs, NDArrays.concat(new NDList(oneHot, a), 1)).value();
      return sim.xResidual()
          .inverse(z, NDArrays.concat(new NDList(oneHot, b), 1))
          .value()
          .toFloatArray();
    }
  }

  /** 2 Delta NLL along each nuisance (the others at their best values), flow and truth. */
  private static void scans(
      NegLogLikelihood nll, FitResult fit, ToyT4.Events data, Fit truth, Path plots) {
    NegLogLikelihood exact = trueMixtureNll(data);
    double[] best = fit.values();
    double[] truthBest = truth.values();
    double flowMin = nll.value(best);
    double truthMin = exact.value(truthBest);
    for (int q = 0; q < 2; q++) {
      int index = q + 1;
      int n = 7;
      double[] grid = new double[n];
      double[] flow = new double[n];
      double[] exactCurve = new double[n];
      for (int i = 0; i < n; i++) {
        double offset = (i - (n - 1) / 2.0) * truth.errors()[index];
        grid[i] = best[index] + offset;
        double[] p = best.clone();
        p[index] = grid[i];
        flow[i] = 2 * (nll.value(p) - flowMin);
        double[] t = truthBest.clone();
        t[index] = grid[i];
        exactCurve[i] = 2 * (exact.value(t) - truthMin);
      }
      save(
          Chart.titled(
                  "T4 likelihood scan of " + NAMES.get(q) + " (others at their best values)",
                  NAMES.get(q),
                  "2 Delta NLL")
              .line("flow (DOI)", grid, flow)
              .dashed("true likelihood", grid, exactCurve),
          plots.resolve("t4-scan-" + NAMES.get(q) + ".png"));
    }
  }

  // ---------------------------------------------------------------- bootstrap

  /**
   * Poisson(1) bootstrap: each member resamples the data (event i repeated Poisson(1) times),
   * refits T, nu and the fractions from the data's fit, then nu and the ratio with T frozen.
   *
   * @return members x (ratio, nu_shift, nu_squeeze), or null without members
   */
  private static double[][] bootstrap(
      DoiModel model,
      ToyT4.Events data,
      Settings s,
      BatchEvaluator evaluator,
      FitResult fit,
      double[] steps,
      PrintStream out) {
    if (s.bootstrapMembers() == 0) {
      return null;
    }
    Path saved;
    try {
      saved = Files.createTempDirectory("t4-doi");
      FlowIO.save(model.doi(), saved);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the DOI for the bootstrap", e);
    }
    try {
      return bootstrapMembers(model, data, s, evaluator, fit, steps, out, saved);
    } finally {
      deleteQuietly(saved);
    }
  }

  /** Removes the bootstrap's saved DOI (a temporary directory of a few files). */
  private static void deleteQuietly(Path dir) {
    try {
      Directories.deleteRecursively(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the bootstrap's temporary " + dir, e);
    }
  }

  private static double[][] bootstrapMembers(
      DoiModel model,
      ToyT4.Events data,
      Settings s,
      BatchEvaluator evaluator,
      FitResult fit,
      double[] steps,
      PrintStream out,
      Path saved) {
    double[] nuHat = model.nu();
    double[][] members = new double[s.bootstrapMembers()][];
    FeatureMatrix all = events(data);
    for (int b = 0; b < members.length; b++) {
      int[] rows = BootstrapCoverage.poissonRows(data.size(), Seeds.rng(s.seed(), 40, b));
      FeatureMatrix resampled = all.select(rows);
      try (Flow doi = FlowIO.load(saved, model.doi().device())) {
        DoiModel member = new DoiModel(model.kinematics(), model.features(), doi, 2);
        member.setNu(nuHat);
        train(member, resampled, s.bootstrapSteps(), 5e-4, s.seed() + 50 + b, null);
        NegLogLikelihood nll = FlowMixtureNll.of(member, resampled, evaluator, NAMES);
        FitResult f =
            new Fitter(600, 1e-3)
                .newtonStep(
                    nll,
                    nll.parameters().initialValues(),
                    steps,
                    fit.status().isValid() ? fit.covariance() : null);
        members[b] = f.values();
        out.printf(
            "bootstrap member %d: %d events, nu = %+.4f, %+.4f (%s)%n",
            b, resampled.size(), members[b][1], members[b][2], f.status());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load the saved DOI from " + saved, e);
      }
    }
    return members;
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
