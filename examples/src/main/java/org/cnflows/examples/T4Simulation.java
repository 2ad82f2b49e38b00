package org.cnflows.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Seeds;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.MaximumLikelihood;
import org.cnflows.flows.ResidualFlow;
import org.cnflows.flows.SplineTransform;
import org.cnflows.stats.toys.ToyT4;

/**
 * The trained simulation of toy T4: the nominal flows p(x | c) and p(y | x, c) learned from
 * simulated events at nu = 0, and for each a factorizable residual learned, its base frozen, from
 * the templates with one nuisance at +-1 (and the 4 corners), so that the learned p(x | c, nu) is
 * {@link #kinematics()} and p(y | x, c, nu) {@link #features()}. Trained by {@link #simulate}, or
 * loaded from a directory that {@link T4SimulationStore} keeps. Without the feature flows ({@code
 * t4 kinematics}) yBase and yResidual are null.
 */
record T4Simulation(Flow xBase, Flow yBase, Flow xResidual, Flow yResidual)
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

  static T4Simulation simulate(T4Study.Settings s, Device device, PrintStream out) {
    return simulate(s, device, out, true);
  }

  /**
   * The nominal flows and residuals; without {@code features} only those of the kinematics (the
   * feature flows are null). Loaded from the settings' simulation directory if it holds them, else
   * trained (and saved there if a directory is given).
   */
  static T4Simulation simulate(
      T4Study.Settings s, Device device, PrintStream out, boolean features) {
    T4SimulationStore.Layout layout = layout(s, device);
    Path directory = s.simulationDirectory();
    if (directory != null && T4SimulationStore.holds(directory)) {
      try {
        T4Simulation sim = T4SimulationStore.load(directory, s, features, layout, device);
        out.printf(
            "T4: the simulation trained with these options, loaded from %s%n",
            directory.toAbsolutePath());
        return sim;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    T4Simulation sim = trainSimulation(s, layout, out, features);
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
  static T4SimulationStore.Layout layout(T4Study.Settings s, Device device) {
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
  private static T4Simulation trainSimulation(
      T4Study.Settings s, T4SimulationStore.Layout layout, PrintStream out, boolean features) {
    ToyT4.Events nominal = nominalEvents(s);
    out.printf("T4: %d nominal events; nominal flow p(x | c):%n", s.nominalEvents());
    Flow xBase = layout.xBase().get();
    Flow yBase = null;
    Flow xResidual = null;
    Flow yResidual = null;
    try {
      trainNominal(xBase, T4Rows.kinematics(nominal, null), s, s.seed() + 2, out);
      if (features) {
        out.println("nominal flow p(y | x, c):");
        yBase = layout.yBase().get();
        trainNominal(yBase, T4Rows.features(nominal, null), s, s.seed() + 4, out);
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
        xt.add(T4Rows.kinematics(t, nu));
        yt.add(T4Rows.features(t, nu));
      }
      out.printf(
          "%d templates of %d events (%s); residual of p(x | c, nu):%n",
          settings.size(),
          s.templateEvents(),
          s.cornerTemplates() ? "one nuisance at +-1 and the 4 corners" : "one nuisance at +-1");
      xResidual = layout.xResidual().get();
      trainResidual(xBase, xResidual, xt, s, s.seed() + 6, out);
      if (features) {
        out.println("residual of p(y | x, c, nu):");
        yResidual = layout.yResidual().get();
        trainResidual(yBase, yResidual, yt, s, s.seed() + 8, out);
      }
      return new T4Simulation(xBase, yBase, xResidual, yResidual);
    } catch (RuntimeException e) {
      new T4Simulation(xBase, yBase, xResidual, yResidual).close();
      throw e;
    }
  }

  /** Trains a nominal flow on the simulated events at nu = 0 (maximum likelihood). */
  private static void trainNominal(
      Flow flow, FeatureMatrix rows, T4Study.Settings s, long seed, PrintStream out) {
    T4Training.trainSimulationFlow(
        flow, new MaximumLikelihood(), rows, s, s.flowSteps(), 1e-3, seed, out);
  }

  /**
   * Trains a residual on the templates, its base frozen (maximum likelihood of the composition).
   */
  private static void trainResidual(
      Flow base,
      Flow residual,
      List<FeatureMatrix> templates,
      T4Study.Settings s,
      long seed,
      PrintStream out) {
    T4Training.trainSimulationFlow(
        new ResidualFlow(base, residual),
        ResidualFlow.MAXIMUM_LIKELIHOOD,
        FeatureMatrix.concat(templates),
        s,
        s.residualSteps(),
        2e-3,
        seed,
        out);
  }

  /** The simulated events at nu = 0 the nominal flows learn from. */
  static ToyT4.Events nominalEvents(T4Study.Settings s) {
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
  static Flow residual(int context, Device device, long seed) {
    return Flow.builder()
        .setDim(2)
        .optContext(context)
        .add(new LayerSpec.FactorizableLayer(2, true, 64, 1, Activation.GELU, 3.0))
        .add(new LayerSpec.FactorizableLayer(2, true, 64, 1, Activation.GELU, 3.0))
        .optDevice(device)
        .optSeed(seed)
        .build();
  }
}
