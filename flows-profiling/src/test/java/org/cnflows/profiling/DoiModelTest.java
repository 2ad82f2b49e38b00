package org.cnflows.profiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.Activation;
import org.cnflows.flows.Batch;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowTesting;
import org.cnflows.flows.Flows;
import org.cnflows.flows.LayerSpec;
import org.cnflows.flows.Objective;
import org.cnflows.flows.ResidualFlow;
import org.cnflows.flows.SplineTransform;
import org.cnflows.flows.Trainer;
import org.cnflows.flows.TrainingConfig;
import org.cnflows.flows.Transformed;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.NegLogLikelihood;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The flow-backed mixture likelihood: at identity layers it is the closed-form standard-normal
 * mixture; the training objective and the likelihood handed to the fitter agree; and on events
 * drawn from a model with random residual weights at nu = (0.4, -0.3) the likelihood recovers nu.
 */
class DoiModelTest {

  private Flow xBase;
  private Flow yBase;
  private Flow xResidual;
  private Flow yResidual;
  private Flow doi;
  private DoiModel model;

  @BeforeEach
  void build() {
    Device cpu = Device.cpu();
    xBase = Flow.builder().setDim(2).optContext(2).optDevice(cpu).build();
    yBase = Flow.builder().setDim(2).optContext(4).optDevice(cpu).build();
    xResidual = residual(4, 3);
    yResidual = residual(6, 4);
    doi =
        Flows.autoregressive(2, 4, 1, SplineTransform.of(6, 5), 8, 1, Activation.GELU)
            .optDevice(cpu)
            .build();
    model =
        new DoiModel(
            new ResidualFlow(xBase, xResidual), new ResidualFlow(yBase, yResidual), doi, 2);
  }

  private static Flow residual(int context, long seed) {
    return Flow.builder()
        .setDim(2)
        .optContext(context)
        .add(new LayerSpec.FactorizableLayer(2, false, 8, 1, Activation.GELU, 3.0))
        .optSeed(seed)
        .optDevice(Device.cpu())
        .build();
  }

  @AfterEach
  void close() {
    for (Flow f : List.of(xBase, yBase, xResidual, yResidual, doi)) {
      f.close();
    }
  }

  private static FeatureMatrix normalEvents(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] rows = new double[n][4];
    for (double[] row : rows) {
      for (int j = 0; j < 4; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return FeatureMatrix.of(rows);
  }

  @Test
  void atIdentityLayersTheLikelihoodIsTheStandardNormalOne() {
    FeatureMatrix events = normalEvents(500, 1);
    NegLogLikelihood nll =
        FlowMixtureNll.of(model, events, new BatchEvaluator(Device.cpu(), 128), List.of("a", "b"));
    double expected = 0;
    float[] x = events.x();
    for (float v : x) {
      expected += 0.5 * v * v + 0.5 * Math.log(2 * Math.PI);
    }
    double[] theta = {1.0, 0.3, -0.2};
    assertThat(nll.value(theta)).isCloseTo(expected + 0.5 * (0.09 + 0.04), within(1e-3));
    assertThatThrownBy(
            () ->
                FlowMixtureNll.of(
                    model, events, new BatchEvaluator(Device.cpu(), 128), List.of("a")))
        .hasMessageContaining("1 nuisance names for 2 nuisances");
  }

  /** Draws events of class c from the model at nu: x = R^-1(z; c, nu), y = R^-1(z'; x, c, nu). */
  private static double[][] sample(
      Flow xRes, Flow yRes, int n, double[] nu, SplittableRandom r, NDManager m) {
    float[] zx = new float[2 * n];
    float[] zy = new float[2 * n];
    float[] cx = new float[4 * n];
    float[] classes = new float[2 * n];
    for (int i = 0; i < n; i++) {
      int c = r.nextBoolean() ? 1 : 0;
      zx[2 * i] = (float) r.nextGaussian();
      zx[2 * i + 1] = (float) r.nextGaussian();
      zy[2 * i] = (float) r.nextGaussian();
      zy[2 * i + 1] = (float) r.nextGaussian();
      classes[2 * i + c] = 1;
      cx[4 * i + c] = 1;
      cx[4 * i + 2] = (float) nu[0];
      cx[4 * i + 3] = (float) nu[1];
    }
    NDArray x = xRes.inverse(m.create(zx, new Shape(n, 2)), m.create(cx, new Shape(n, 4))).value();
    NDArray nuRows = m.create(cx, new Shape(n, 4)).get(":, 2:4");
    NDArray cy = NDArrays.concat(new NDList(x, m.create(classes, new Shape(n, 2)), nuRows), 1);
    NDArray y = yRes.inverse(m.create(zy, new Shape(n, 2)), cy).value();
    float[] xs = x.toFloatArray();
    float[] ys = y.toFloatArray();
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = new double[] {xs[2 * i], xs[2 * i + 1], ys[2 * i], ys[2 * i + 1]};
    }
    return rows;
  }

  @Test
  void theLikelihoodRecoversTheNuisancesOfEventsDrawnFromTheModel() {
    for (Flow f : List.of(xResidual, yResidual)) {
      FlowTesting.randomize(f.parameters(), 0.3, f.seed());
    }
    double[] nu = {0.4, -0.3};
    FeatureMatrix events;
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      events = FeatureMatrix.of(sample(xResidual, yResidual, 4000, nu, new SplittableRandom(5), m));
    }
    BatchEvaluator evaluator = new BatchEvaluator(Device.cpu(), 2048);
    NegLogLikelihood full = FlowMixtureNll.of(model, events, evaluator, List.of("a", "b"));
    // the classes differ only through the random residual weights: the ratio (1 in the draws) is
    // held, so that the fit is about nu
    NegLogLikelihood nll =
        full.withParameters(full.parameters().with(FlowMixtureNll.RATIO, p -> p.fixedAt(1)));
    Fitter fitter = new Fitter(2000, 1e-3);
    double[] steps = {0.03, 0.03};
    FitResult first = fitter.newtonStep(nll, new double[] {1, 0, 0}, steps);
    FitResult fit = fitter.newtonStep(nll, first.values(), steps);
    assertThat(fit.status()).isEqualTo(FitStatus.CONVERGED);
    for (int k = 0; k < 2; k++) {
      String name = k == 0 ? "a" : "b";
      System.out.printf(
          "flow likelihood of model draws: %s = %.4f +- %.4f (drawn at %.1f)%n",
          name, fit.value(name), fit.error(name), nu[k]);
      assertThat(fit.error(name)).isLessThan(0.1);
      assertThat(fit.value(name)).isCloseTo(nu[k], within(4 * fit.error(name)));
    }
    // the training objective is the same likelihood per event (at the model's nu = 0, ratio 1)
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray all = m.create(events.x(), new Shape(events.size(), 4));
      float loss =
          DoiModel.fitObjective(events.size())
              .compute(model, List.of(new Batch(all, null, null, null, null)))
              .getFloat();
      assertThat((double) loss)
          .isCloseTo(nll.value(new double[] {1, 0, 0}) / events.size(), within(1e-4));
    }
  }

  /**
   * With nu held, step 1's training moves T and the class fractions but leaves nu exactly where it
   * was; with one nuisance held (a point of a profile by refits), the other trains and the held one
   * stays; freed again, nu trains (here towards 0, pulled by its constraint).
   */
  @Test
  void heldNuisancesStayPutWhileTheRestTrains() {
    FeatureMatrix events = normalEvents(300, 2);
    double[] start = {0.25, -0.125}; // exact in float32, the parameter's type
    model.setNu(start);
    int doiParameters = doi.trainableParameters().size();
    model.holdNu(true);
    assertThat(model.trainableParameters()).hasSize(doiParameters + 1);
    float[] before = doi.trainableParameters().get(0).getArray().toFloatArray();
    train(events);
    assertThat(model.nu()).containsExactly(start[0], start[1]);
    assertThat(doi.trainableParameters().get(0).getArray().toFloatArray()).isNotEqualTo(before);
    assertThat(model.fractions()[0]).isNotEqualTo(0.5);

    for (int held = 0; held < 2; held++) {
      boolean[] flags = new boolean[2];
      flags[held] = true;
      model.holdNu(flags);
      assertThat(model.trainableParameters()).hasSize(doiParameters + 2);
      double[] at = model.nu();
      train(events);
      assertThat(model.nu()[held]).as("held nuisance %d", held).isEqualTo(at[held]);
      assertThat(Math.abs(model.nu()[1 - held]))
          .as("free nuisance %d", 1 - held)
          .isLessThan(Math.abs(at[1 - held]) - 1e-3);
    }

    model.holdNu(false);
    assertThat(model.trainableParameters()).hasSize(doiParameters + 2);
    double[] at = model.nu();
    train(events);
    for (int k = 0; k < 2; k++) {
      assertThat(Math.abs(model.nu()[k])).isLessThan(Math.abs(at[k]) - 1e-4);
    }
    assertThatThrownBy(() -> model.holdNu(new boolean[] {true}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 hold flags for 2 nuisances");
  }

  /**
   * Step 2's training leaves T as step 1 fitted it unless the amortized model is asked to refine
   * it; then T trains with the profiling flow. Only an amortized model can be asked.
   */
  @Test
  void anAmortizedModelTrainsTOnlyWhenAskedToRefineIt() {
    FlowTesting.randomize(doi.parameters(), 0.3, 41);
    model.setNu(new double[] {0.2, -0.1});
    assertThatThrownBy(() -> model.refineDoi(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only an amortized model's training can refine T");
    FeatureMatrix events = normalEvents(300, 2);
    try (Flow p = profilingFlow(5)) {
      DoiModel amortized = model.profiled(p, new double[] {0.5, 0.5});
      float[] t = doi.trainableParameters().get(0).getArray().toFloatArray();
      float[] q = p.trainableParameters().get(0).getArray().toFloatArray();
      train(amortized, DoiModel.profilingObjective(2), events);
      assertThat(doi.trainableParameters().get(0).getArray().toFloatArray()).isEqualTo(t);
      assertThat(p.trainableParameters().get(0).getArray().toFloatArray()).isNotEqualTo(q);

      amortized.refineDoi(true);
      assertThat(amortized.trainableParameters())
          .hasSize(p.trainableParameters().size() + doi.trainableParameters().size());
      train(amortized, DoiModel.profilingObjective(2), events);
      assertThat(doi.trainableParameters().get(0).getArray().toFloatArray()).isNotEqualTo(t);
      amortized.refineDoi(false);
      assertThat(amortized.trainableParameters()).isEqualTo(p.trainableParameters());
    }
  }

  private void train(FeatureMatrix events) {
    train(model, DoiModel.fitObjective(events.size()), events);
  }

  private static void train(DoiModel model, Objective<DoiModel> objective, FeatureMatrix events) {
    Trainer.train(
            model,
            objective,
            List.of(events),
            TrainingConfig.builder()
                .optSteps(30)
                .optBatchSize(100)
                .optLearningRate(1e-2)
                .optValidationFraction(0)
                .optKeepBest(false)
                .optSeed(3)
                .build())
        .requireSuccess();
  }

  private static Flow profilingFlow(long seed) {
    return Flow.builder()
        .setDim(2)
        .optContext(6)
        .add(new LayerSpec.FactorizableLayer(2, true, 8, 1, Activation.GELU, 3.0))
        .optSeed(seed)
        .optDevice(Device.cpu())
        .build();
  }

  private static double[] values(NegLogLikelihood nll, double[]... points) {
    double[] out = new double[points.length];
    for (int i = 0; i < points.length; i++) {
      out[i] = nll.value(points[i]);
    }
    return out;
  }

  @Test
  void theAmortizedModelIsTheFittedOneAtNuHatAndMovesOnlyThroughItsProfilingFlowElsewhere() {
    FlowTesting.randomize(doi.parameters(), 0.3, 11);
    model.setNu(new double[] {0.2, -0.1});
    try (Flow p = profilingFlow(3)) {
      FlowTesting.randomize(p.parameters(), 0.3, 12);
      DoiModel amortized = model.profiled(p, new double[] {0.5, 0.5});
      assertThat(amortized.center()).containsExactly(new double[] {0.2, -0.1}, within(1e-7));
      assertThat(amortized.halfWidths()).containsExactly(0.5, 0.5);
      assertThat(amortized.trainableParameters()).isEqualTo(p.trainableParameters());
      FeatureMatrix events = normalEvents(300, 2);
      BatchEvaluator evaluator = new BatchEvaluator(Device.cpu(), 128);
      NegLogLikelihood fitted = FlowMixtureNll.of(model, events, evaluator, List.of("a", "b"));
      NegLogLikelihood profiled =
          FlowMixtureNll.of(amortized, events, evaluator, List.of("a", "b"));
      double[] hat = {1.1, 0.2, -0.1};
      double[] away = {1.1, 0.5, -0.4};
      double[] f = values(fitted, hat, away);
      double[] g = values(profiled, hat, away);
      assertThat(g[0]).isCloseTo(f[0], within(1e-3));
      assertThat(Math.abs(g[1] - f[1])).isGreaterThan(0.1);
      // the amortized likelihood is a likelihood of nu on its region only: nu-hat +- h
      assertThat(profiled.parameters().get("a").lower()).isCloseTo(-0.3, within(1e-6));
      assertThat(profiled.parameters().get("b").upper()).isCloseTo(0.4, within(1e-6));
      assertThat(fitted.parameters().get("a").lower()).isEqualTo(-3);
      assertThatThrownBy(() -> amortized.profiled(p, new double[] {1, 1}))
          .hasMessageContaining("already profiled");
      assertThatThrownBy(() -> model.profiled(p, new double[] {1, Double.NaN}))
          .hasMessageContaining("half-width 1 = NaN must be finite and > 0");
      assertThatThrownBy(() -> model.profiled(p, new double[] {1}))
          .hasMessageContaining("1 half-widths for 2 nuisances");
      try (Flow wrong = Flow.builder().setDim(2).optContext(4).optDevice(Device.cpu()).build()) {
        assertThatThrownBy(() -> model.profiled(wrong, new double[] {1, 1}))
            .hasMessageContaining("profiling flow dim = 2, contextDim = 4, expected 2 and")
            .hasMessageContaining("= 6");
      }
      // each objective refuses the other kind of model, by what to do instead
      assertThatThrownBy(() -> DoiModel.fitObjective(300).checkSource(amortized, 0, events))
          .hasMessageContaining("train its profiling flow with profilingObjective");
      assertThatThrownBy(() -> DoiModel.profilingObjective(3).checkSource(model, 0, events))
          .hasMessageContaining("build one with profiled(flow, halfWidths) first");
    }
  }

  /**
   * The identity behind the closed-form profile (T4Study's transported DOI): moving the DOI's
   * output by P = R_y(.; nu)^-1 o R_y(.; nu-T) gives every event at nu the y density it had at
   * nu-T, log p(P(z) | x, c, nu) + log |det dP/dz| = log p(z | x, c, nu-T), whatever the residual.
   */
  @Test
  void transportingTheDoiAlongTheYResidualKeepsEachEventsYDensity() {
    FlowTesting.randomize(yResidual.parameters(), 0.3, 31);
    ResidualFlow features = new ResidualFlow(yBase, yResidual);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      int n = 200;
      SplittableRandom r = new SplittableRandom(32);
      float[] z = new float[2 * n];
      float[] atT = new float[6 * n];
      float[] atNu = new float[6 * n];
      for (int i = 0; i < n; i++) {
        z[2 * i] = (float) r.nextGaussian();
        z[2 * i + 1] = (float) r.nextGaussian();
        float x0 = (float) r.nextGaussian();
        float x1 = (float) r.nextGaussian();
        int c = r.nextBoolean() ? 1 : 0;
        float[] shared = {x0, x1, c == 0 ? 1 : 0, c};
        System.arraycopy(shared, 0, atT, 6 * i, 4);
        System.arraycopy(shared, 0, atNu, 6 * i, 4);
        atT[6 * i + 4] = 0.4f;
        atT[6 * i + 5] = -0.3f;
        atNu[6 * i + 4] = -0.2f;
        atNu[6 * i + 5] = 0.5f;
      }
      NDArray zs = m.create(z, new Shape(n, 2));
      NDArray contextT = m.create(atT, new Shape(n, 6));
      NDArray context = m.create(atNu, new Shape(n, 6));
      Transformed toBase = yResidual.forward(zs, contextT);
      Transformed back = yResidual.inverse(toBase.value(), context);
      float[] moved =
          features
              .logProbTrusted(back.value(), context)
              .add(toBase.logDet())
              .add(back.logDet())
              .toFloatArray();
      float[] held = features.logProbTrusted(zs, contextT).toFloatArray();
      float[] unmoved = features.logProbTrusted(zs, context).toFloatArray();
      double largest = 0;
      double change = 0;
      for (int i = 0; i < n; i++) {
        largest = Math.max(largest, Math.abs(moved[i] - held[i]));
        change = Math.max(change, Math.abs(unmoved[i] - held[i]));
      }
      assertThat(largest).as("largest |transported - held| (nats)").isLessThan(1e-4);
      assertThat(change).as("largest change of the y density from nu-T to nu").isGreaterThan(0.1);
    }
    assertThatThrownBy(() -> model.logFeaturesAt(2, new double[] {0, 0}))
        .hasMessageContaining("class = 2 outside [0, 2)");
    assertThatThrownBy(() -> model.logJointAt(0, new double[] {0}))
        .hasMessageContaining("nu has 1 values for 2 nuisances");
    assertThatThrownBy(() -> model.logJointAt(0, new double[] {0, Double.NaN}))
        .hasMessageContaining("nu 1 = NaN is not finite");
    assertThatThrownBy(() -> model.setNu(new double[] {Double.POSITIVE_INFINITY, 0}))
        .hasMessageContaining("nu 0 = Infinity is not finite");
  }

  /**
   * Step 2 started at its closed form: with Q the identity (a fresh factorizable layer) the y part
   * at any nu is the fitted model's at nu-T, and the map to simulation is T at nu-T and moves with
   * nu; a trained Q moves the y part away from nu-hat only, where it is the identity.
   */
  @Test
  void theModelStartedFromTheTransportIsTheClosedFormUntilItsProfilingFlowMoves() {
    FlowTesting.randomize(doi.parameters(), 0.3, 41);
    FlowTesting.randomize(yResidual.parameters(), 0.3, 42);
    model.setNu(new double[] {0.2, -0.1});
    double[] heldAt = {0.25, -0.15};
    double[] away = {0.5, -0.4};
    FeatureMatrix events = normalEvents(200, 4);
    double[][] held = yParts(model, events, heldAt);
    try (Flow q = profilingFlow(5)) {
      DoiModel start = model.profiledFromTransport(q, new double[] {0.5, 0.5}, heldAt);
      assertThat(start.heldAt()).containsExactly(heldAt, within(1e-7));
      assertThat(start.center()).containsExactly(new double[] {0.2, -0.1}, within(1e-7));
      assertThat(model.heldAt()).isNull();
      double[][] atAway = yParts(start, events, away);
      double[][] unheld = yParts(model, events, away);
      assertThat(largestDifference(atAway, held))
          .as("Q = identity: the closed form")
          .isLessThan(1e-5);
      assertThat(largestDifference(unheld, held))
          .as("the y density moves with nu")
          .isGreaterThan(0.05);
      try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
        NDArray all = m.create(events.x(), new Shape(events.size(), 4));
        NDArray doiMap = model.mapFeatures(all, 1, rows(m, heldAt, events.size()));
        NDArray atT = start.mapFeatures(all, 1, rows(m, heldAt, events.size()));
        NDArray atNu = start.mapFeatures(all, 1, rows(m, away, events.size()));
        assertThat(atT.sub(doiMap).abs().max().getFloat()).as("the map at nu-T").isLessThan(1e-5f);
        assertThat(atNu.sub(doiMap).abs().max().getFloat())
            .as("the map at nu")
            .isGreaterThan(1e-2f);
        // the transport: at nu the map lands where the y residual sends T(y) at nu-T
        NDArray fromT = toBaseOfClassB(all, doiMap, heldAt);
        NDArray fromNu = toBaseOfClassB(all, atNu, away);
        assertThat(fromNu.sub(fromT).abs().max().getFloat()).as("the transport").isLessThan(1e-4f);
      }
      FlowTesting.randomize(q.parameters(), 0.3, 43);
      double[] center = {0.2, -0.1};
      double[][] trainedAtCenter = yParts(start, events, center);
      double[][] trainedAway = yParts(start, events, away);
      assertThat(largestDifference(trainedAtCenter, held)).as("Q at nu-hat").isLessThan(1e-5);
      assertThat(largestDifference(trainedAway, held)).as("Q away from nu-hat").isGreaterThan(0.01);
      assertThatThrownBy(
              () -> model.profiledFromTransport(q, new double[] {1, 1}, new double[] {0}))
          .hasMessageContaining("heldAt has 1 values for 2 nuisances");
      assertThatThrownBy(
              () ->
                  model.profiledFromTransport(q, new double[] {1, 1}, new double[] {0, Double.NaN}))
          .hasMessageContaining("heldAt 1 = NaN is not finite");
      assertThatThrownBy(() -> start.profiledFromTransport(q, new double[] {1, 1}, heldAt))
          .hasMessageContaining("already profiled");
    }
  }

  /** R_y(y; x, class B, nu) of features y, the x columns those of the events. */
  private NDArray toBaseOfClassB(NDArray events, NDArray y, double[] nu) {
    NDManager m = events.getManager();
    int n = (int) events.getShape().get(0);
    NDArray classB = m.create(new float[] {0, 1}, new Shape(1, 2)).repeat(0, n);
    NDArray context = NDArrays.concat(new NDList(events.get(":, 0:2"), classB, rows(m, nu, n)), 1);
    return yResidual.forward(y, context).value();
  }

  /** Both classes' y part ({@link DoiModel#logFeaturesAt}) of each event at nu. */
  private static double[][] yParts(DoiModel model, FeatureMatrix events, double[] nu) {
    return new BatchEvaluator(Device.cpu(), 64)
        .evaluateToDouble(events, List.of(model.logFeaturesAt(0, nu), model.logFeaturesAt(1, nu)));
  }

  private static NDArray rows(NDManager m, double[] nu, int n) {
    return m.create(new float[] {(float) nu[0], (float) nu[1]}, new Shape(1, 2)).repeat(0, n);
  }

  private static double largestDifference(double[][] a, double[][] b) {
    double largest = 0;
    for (int c = 0; c < a.length; c++) {
      for (int i = 0; i < a[c].length; i++) {
        largest = Math.max(largest, Math.abs(a[c][i] - b[c][i]));
      }
    }
    return largest;
  }

  @Test
  void theProfilingObjectiveIsTheGaussLegendreAverageOfTheMixtureNllOverTheRegion() {
    FlowTesting.randomize(doi.parameters(), 0.3, 21);
    FlowTesting.randomize(yResidual.parameters(), 0.3, 22);
    model.setNu(new double[] {0.2, -0.1});
    try (Flow p = profilingFlow(3)) {
      FlowTesting.randomize(p.parameters(), 0.3, 23);
      DoiModel amortized = model.profiled(p, new double[] {0.1, 0.4});
      FeatureMatrix events = normalEvents(40, 3);
      // the expectation, node by node: 3 nodes per nuisance at 0 and +-h sqrt(3/5), weights 8/9
      // and 5/9 of the sum 2 per nuisance
      double[] u = {-Math.sqrt(0.6), 0, Math.sqrt(0.6)};
      double[] w = {5.0 / 9, 8.0 / 9, 5.0 / 9};
      double[] a = amortized.fractions();
      BatchEvaluator evaluator = new BatchEvaluator(Device.cpu(), 64);
      double expected = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double[] nu = {0.2 + 0.1 * u[i], -0.1 + 0.4 * u[j]};
          double[][] l =
              evaluator.evaluateToDouble(
                  events, List.of(amortized.logJointAt(0, nu), amortized.logJointAt(1, nu)));
          for (int e = 0; e < events.size(); e++) {
            double mix = Math.log(a[0] * Math.exp(l[0][e]) + a[1] * Math.exp(l[1][e]));
            expected -= w[i] * w[j] / 4 * mix / events.size();
          }
        }
      }
      try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
        NDArray all = m.create(events.x(), new Shape(events.size(), 4));
        float loss =
            DoiModel.profilingObjective(3)
                .compute(amortized, List.of(new Batch(all, null, null, null, null)))
                .getFloat();
        assertThat((double) loss).isCloseTo(expected, within(1e-4 * Math.abs(expected)));
        // per-event weights weigh the events, not the nodes
        float[] weights = new float[events.size()];
        weights[0] = 1;
        float first =
            DoiModel.profilingObjective(3)
                .compute(amortized, List.of(new Batch(all, null, m.create(weights), null, null)))
                .getFloat();
        NDArray one = all.get("0:1, :");
        float alone =
            DoiModel.profilingObjective(3)
                .compute(amortized, List.of(new Batch(one, null, null, null, null)))
                .getFloat();
        assertThat(first).isCloseTo(alone, within(1e-5f * Math.abs(alone)));
      }
      assertThatThrownBy(() -> DoiModel.profilingObjective(1))
          .hasMessageContaining("nodes = 1 must be in [2, 64]");
      FeatureMatrix withContext =
          FeatureMatrix.of(new float[][] {{0, 0, 0, 0}}, new float[][] {{0.1f, 0.2f}});
      assertThatThrownBy(
              () -> DoiModel.profilingObjective(3).checkSource(amortized, 0, withContext))
          .hasMessageContaining("contextDim = 0");
    }
  }
}
