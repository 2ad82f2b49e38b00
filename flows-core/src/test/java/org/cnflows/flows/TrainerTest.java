package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.cnflows.common.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {

  /** Correlated Gaussian: x0 ~ N(1, 1.5^2), x1 = 0.8 x0 + N(-2, 0.5^2). */
  static float[][] correlated(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] rows = new float[n][2];
    for (float[] row : rows) {
      double a = 1 + 1.5 * gauss(r);
      row[0] = (float) a;
      row[1] = (float) (0.8 * a - 2 + 0.5 * gauss(r));
    }
    return rows;
  }

  static double trueLogDensity(double x0, double x1) {
    double z0 = (x0 - 1) / 1.5;
    double z1 = (x1 - 0.8 * x0 + 2) / 0.5;
    return -0.5 * (z0 * z0 + z1 * z1) - Math.log(2 * Math.PI * 1.5 * 0.5);
  }

  static double gauss(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  static Flow realNvp(int context) {
    return Flows.realNvp(2, context, 4, 32, 2).optDevice(Device.cpu()).optSeed(3).build();
  }

  @Test
  void maximumLikelihoodRecoversACorrelatedGaussian() {
    try (Flow flow = realNvp(0);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      TrainingResult result =
          Trainer.fit(
              flow,
              FeatureMatrix.of(correlated(20000, 1)),
              TrainingConfig.builder()
                  .optSteps(1500)
                  .optBatchSize(512)
                  .optLearningRate(3e-3)
                  .optEvaluateEvery(250)
                  .optListener(TrainingListener.NONE)
                  .build());
      float[][] test = correlated(20000, 2);
      float[] flat = new float[40000];
      double truth = 0;
      for (int i = 0; i < test.length; i++) {
        flat[2 * i] = test[i][0];
        flat[2 * i + 1] = test[i][1];
        truth += trueLogDensity(test[i][0], test[i][1]);
      }
      truth /= test.length;
      double learned = flow.logProb(m.create(flat, new Shape(20000, 2)), null).mean().getFloat();
      assertThat(learned).as("mean log-density, truth %.4f", truth).isCloseTo(truth, within(0.02));
      assertThat(result.history()).isNotEmpty();
      assertThat(result.bestValidationLoss()).isCloseTo(-truth, within(0.05));
    }
  }

  @Test
  void conditionalFlowLearnsAMeanThatMovesWithTheContext() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 20000;
    float[][] x = new float[n][2];
    float[][] c = new float[n][1];
    for (int i = 0; i < n; i++) {
      double ctx = 2 * r.nextDouble() - 1;
      c[i][0] = (float) ctx;
      x[i][0] = (float) (2 * ctx + 0.5 * gauss(r));
      x[i][1] = (float) (-ctx + 0.5 * gauss(r));
    }
    try (Flow flow = realNvp(1);
        NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Trainer.fit(
          flow,
          FeatureMatrix.of(x, c),
          TrainingConfig.builder()
              .optSteps(1500)
              .optBatchSize(512)
              .optLearningRate(3e-3)
              .optListener(TrainingListener.NONE)
              .build());
      for (double ctx : new double[] {-0.8, 0.0, 0.8}) {
        int k = 4000;
        float[] cs = new float[k];
        Arrays.fill(cs, (float) ctx);
        NDArray samples = flow.sample(m, k, m.create(cs, new Shape(k, 1)), 9);
        float[] mean = samples.mean(new int[] {0}).toFloatArray();
        // standard error of the mean is 0.5 / sqrt(4000) = 0.008
        assertThat((double) mean[0]).as("mean x0 at c = %s", ctx).isCloseTo(2 * ctx, within(0.06));
        assertThat((double) mean[1]).as("mean x1 at c = %s", ctx).isCloseTo(-ctx, within(0.06));
      }
    }
  }

  @Test
  void thousandsOfStepsDoNotGrowLiveNativeArrays() {
    List<Integer> live = new ArrayList<>();
    try (Flow flow = realNvp(0)) {
      Trainer.fit(
          flow,
          FeatureMatrix.of(correlated(2000, 3)),
          TrainingConfig.builder()
              .optSteps(2000)
              .optBatchSize(64)
              .optEvaluateEvery(100)
              .optClipNorm(5)
              .optListener(
                  new TrainingListener() {
                    @Override
                    public void onEvaluation(Evaluation e, int steps) {
                      live.add(flow.manager().getManagedArrays().size());
                    }
                  })
              .build());
    }
    assertThat(live).hasSize(20);
    assertThat(live).as("live arrays at each evaluation").containsOnly(live.get(0));
  }

  @Test
  void aNonFiniteLossEndsTheRunAsDivergedNamingTheStepAndRestoresTheBestParameters() {
    FlowLoss poisoned =
        likelihoodEditedByCall((call, nll) -> call == 36 ? nll.mul(Float.NaN) : nll);
    try (Flow flow = realNvp(0)) {
      TrainingResult result =
          Trainer.train(
              flow,
              poisoned,
              List.of(FeatureMatrix.of(correlated(1000, 4))),
              TrainingConfig.builder()
                  .optSteps(100)
                  .optBatchSize(32)
                  .optEvaluateEvery(10)
                  .optValidationFraction(0)
                  .optListener(TrainingListener.NONE)
                  .build());
      assertThat(result.status()).isEqualTo(TrainingResult.Status.DIVERGED);
      assertThat(result.divergedAtStep()).isEqualTo(37);
      assertThat(result.steps()).isEqualTo(40);
      assertThat(result.bestStep()).isEqualTo(30);
      for (float[] values : values(flow)) {
        for (float v : values) {
          assertThat(v).isFinite();
        }
      }
      assertThatThrownBy(result::requireSuccess)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at step 37 of 40 done");
    }
  }

  @Test
  void aRunDrivenStepByStepEqualsOneTrainCall() {
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(30)
            .optBatchSize(64)
            .optEvaluateEvery(10)
            .optListener(TrainingListener.NONE)
            .build();
    FeatureMatrix data = FeatureMatrix.of(correlated(500, 5));
    float[][] whole;
    try (Flow flow = realNvp(0)) {
      Trainer.fit(flow, data, config);
      whole = values(flow);
    }
    try (Flow flow = realNvp(0);
        Trainer<Flow> run = Trainer.start(flow, new MaximumLikelihood(), List.of(data), config)) {
      int steps = 0;
      while (!run.isDone()) {
        run.step();
        assertThat(run.steps()).isEqualTo(++steps);
      }
      assertThat(steps).isEqualTo(30);
      assertThatThrownBy(run::step)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("(COMPLETED) after 30 steps");
      TrainingResult result = run.finish();
      assertThat(result.status()).isEqualTo(TrainingResult.Status.COMPLETED);
      assertThat(values(flow)).isDeepEqualTo(whole);
    }
  }

  @Test
  void earlyStoppingEndsARunThatNoLongerImproves() {
    try (Flow flow = realNvp(0)) {
      TrainingResult result =
          Trainer.fit(
              flow,
              FeatureMatrix.of(correlated(400, 6)),
              TrainingConfig.builder()
                  .optSteps(20000)
                  .optBatchSize(200)
                  .optLearningRate(1e-2)
                  .optEvaluateEvery(20)
                  .optPatience(3)
                  .optValidationFraction(0.5)
                  .optListener(TrainingListener.NONE)
                  .build());
      assertThat(result.stoppedEarly()).isTrue();
      assertThat(result.steps()).isLessThan(20000);
      assertThat(result.steps() - result.bestStep()).isEqualTo(3 * 20);
      double best =
          result.history().stream()
              .mapToDouble(TrainingListener.Evaluation::validationLoss)
              .min()
              .orElseThrow();
      assertThat(result.bestValidationLoss()).isEqualTo(best);
    }
  }

  @Test
  void averageLastEndsOnTheMeanOfTheLastStepsParameters() {
    int steps = 20;
    int averaged = 5;
    TrainingConfig config =
        TrainingConfig.builder()
            .optSteps(steps)
            .optBatchSize(64)
            .optLearningRate(1e-2)
            .optEvaluateEvery(10)
            .optKeepBest(false)
            .optAverageLast(averaged)
            .optListener(TrainingListener.NONE)
            .build();
    FeatureMatrix data = FeatureMatrix.of(correlated(500, 5));
    try (Flow flow = realNvp(0);
        Trainer<Flow> run = Trainer.start(flow, new MaximumLikelihood(), List.of(data), config)) {
      double[][] sum = null;
      float[][] last = null;
      while (!run.isDone()) {
        run.step();
        last = values(flow);
        if (run.steps() > steps - averaged) {
          if (sum == null) {
            sum = new double[last.length][];
            for (int i = 0; i < last.length; i++) {
              sum[i] = new double[last[i].length];
            }
          }
          for (int i = 0; i < last.length; i++) {
            for (int j = 0; j < last[i].length; j++) {
              sum[i][j] += last[i][j];
            }
          }
        }
      }
      assertThat(run.finish().steps()).isEqualTo(steps);
      float[][] end = values(flow);
      double largest = 0;
      double moved = 0;
      for (int i = 0; i < end.length; i++) {
        for (int j = 0; j < end[i].length; j++) {
          largest = Math.max(largest, Math.abs(end[i][j] - sum[i][j] / averaged));
          moved = Math.max(moved, Math.abs(end[i][j] - last[i][j]));
        }
      }
      assertThat(largest)
          .as("largest |parameter - mean of the last %d steps|", averaged)
          .isLessThan(1e-6);
      assertThat(moved).as("largest |parameter - last step's|").isGreaterThan(1e-4);
    }
  }

  @Test
  void averageLastNeedsACompleteRunEndingOnItsLastSteps() {
    assertThatThrownBy(() -> TrainingConfig.builder().optSteps(10).optAverageLast(11).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("averageLast = 11.0 is out of range");
    assertThatThrownBy(() -> TrainingConfig.builder().optSteps(10).optAverageLast(5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("averageLast = 5 ")
        .hasMessageContaining("keepBest false (is true)");
    assertThatThrownBy(
            () ->
                TrainingConfig.builder()
                    .optSteps(10)
                    .optKeepBest(false)
                    .optPatience(2)
                    .optAverageLast(5)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patience 0 (is 2)");
  }

  /**
   * A criterion that ranks the second evaluation best: the maximum-likelihood loss (its gradient
   * drives training) minus 100 on the steps of the second evaluation window, so without validation
   * the mean training loss of that window is the lowest by construction.
   */
  @Test
  void keepBestRestoresTheBestEvaluationAndOtherwiseTheLastStep() {
    float[][] atBest = trainedParameters(true, 20);
    float[][] atLast = trainedParameters(false, 40);
    assertThat(Arrays.deepEquals(atBest, atLast))
        .as("best and last parameters are equal")
        .isFalse();
  }

  /**
   * Trains 40 steps, evaluating every 10, and checks that the flow ends with the parameters it had
   * at {@code expectedStep}; returns them.
   */
  private static float[][] trainedParameters(boolean keepBest, int expectedStep) {
    int every = 10;
    FlowLoss secondWindowBest =
        likelihoodEditedByCall((call, nll) -> call / every == 1 ? nll.sub(100) : nll);
    List<float[][]> seen = new ArrayList<>();
    try (Flow flow = realNvp(0)) {
      TrainingResult result =
          Trainer.train(
              flow,
              secondWindowBest,
              List.of(FeatureMatrix.of(correlated(1000, 8))),
              TrainingConfig.builder()
                  .optSteps(4 * every)
                  .optBatchSize(64)
                  .optLearningRate(1e-2)
                  .optEvaluateEvery(every)
                  .optValidationFraction(0)
                  .optKeepBest(keepBest)
                  .optListener(
                      new TrainingListener() {
                        @Override
                        public void onEvaluation(Evaluation e, int steps) {
                          seen.add(values(flow));
                        }
                      })
                  .build());
      assertThat(result.bestStep()).isEqualTo(2 * every);
      assertThat(result.steps()).isEqualTo(4 * every);
      float[][] end = values(flow);
      assertThat(end)
          .as("parameters after training with keepBest = %s", keepBest)
          .isDeepEqualTo(seen.get(expectedStep / every - 1));
      return end;
    }
  }

  /**
   * With the loss sum_j theta_j over every parameter element the gradient is 1 everywhere, so
   * Adam's bias-corrected moments are both 1 and each step moves every element by exactly -lr_t /
   * (1 + eps): the trainer's schedule is visible step by step.
   */
  @ParameterizedTest
  @EnumSource(LearningRateSchedule.class)
  void eachStepMovesTheParametersByTheScheduledRate(LearningRateSchedule schedule) {
    FlowLoss sumOfParameters =
        new FlowLoss() {
          @Override
          public int sources() {
            return 1;
          }

          @Override
          public NDArray compute(Flow flow, List<Batch> batches) {
            NDArray sum = batches.get(0).x().getManager().zeros(new Shape());
            for (var p : flow.parameters()) {
              sum = sum.add(p.getValue().getArray().sum());
            }
            return sum;
          }
        };
    int steps = 4;
    double lr = 0.01;
    List<float[][]> seen = new ArrayList<>();
    try (Flow flow = realNvp(0)) {
      seen.add(values(flow));
      Trainer.train(
          flow,
          sumOfParameters,
          List.of(FeatureMatrix.of(correlated(100, 9))),
          TrainingConfig.builder()
              .optSteps(steps)
              .optBatchSize(10)
              .optLearningRate(lr)
              .optSchedule(schedule)
              .optEvaluateEvery(1)
              .optValidationFraction(0)
              .optKeepBest(false)
              .optListener(
                  new TrainingListener() {
                    @Override
                    public void onEvaluation(Evaluation e, int total) {
                      seen.add(values(flow));
                    }
                  })
              .build());
    }
    for (int t = 0; t < steps; t++) {
      double expected = -schedule.rate(lr, t, steps) / (1 + 1e-8);
      for (int a = 0; a < seen.get(t).length; a++) {
        for (int i = 0; i < seen.get(t)[a].length; i++) {
          assertThat((double) seen.get(t + 1)[a][i] - seen.get(t)[a][i])
              .as("step %d, parameter %d[%d]", t, a, i)
              .isCloseTo(expected, within(2e-6));
        }
      }
    }
  }

  private static float[][] values(Flow flow) {
    return flow.parameters().stream()
        .map(p -> p.getValue().getArray().toFloatArray())
        .toArray(float[][]::new);
  }

  @Test
  void mismatchedDataIsRejectedWithTheShapes() {
    try (Flow flow = realNvp(1)) {
      assertThatThrownBy(
              () ->
                  Trainer.fit(
                      flow, FeatureMatrix.of(correlated(10, 1)), TrainingConfig.builder().build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("contextDim = 0")
          .hasMessageContaining("contextDim = 1");
    }
    assertThatThrownBy(() -> FeatureMatrix.of(new float[][] {{1, 2}, {3, Float.NaN}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x[1, 1] (x1) = NaN");
    assertThatThrownBy(() -> TrainingConfig.builder().optLearningRate(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRate = -1.0");
  }

  @Test
  void actNormLayersAreDataInitializedOnceBeforeTraining() {
    SplittableRandom r = new SplittableRandom(11);
    float[][] rows = new float[5000][2];
    for (float[] row : rows) {
      row[0] = (float) (5 + 2 * gauss(r));
      row[1] = (float) (-3 + 0.5 * gauss(r));
    }
    try (Flow flow =
        Flow.builder()
            .setDim(2)
            .optDevice(Device.cpu())
            .add(new LayerSpec.ActNormLayer())
            .add(new LayerSpec.CouplingLayer(new AffineTransform(3), false, 8, 1, Activation.RELU))
            .build()) {
      ActNorm actNorm = (ActNorm) flow.layers().get(0);
      assertThat(actNorm.isIdentity()).isTrue();
      TrainingConfig tiny =
          TrainingConfig.builder()
              .optSteps(1)
              .optLearningRate(1e-9)
              .optListener(TrainingListener.NONE)
              .build();
      Trainer.fit(flow, FeatureMatrix.of(rows), tiny);
      assertThat(actNorm.isIdentity()).isFalse();
      float[] shift = flow.parameters().get(0).getValue().getArray().toFloatArray();
      float[] logScale = flow.parameters().get(1).getValue().getArray().toFloatArray();
      assertThat((double) shift[0]).isCloseTo(5, within(0.1));
      assertThat((double) shift[1]).isCloseTo(-3, within(0.03));
      assertThat(Math.exp(logScale[0])).isCloseTo(2, within(0.1));
      assertThat(Math.exp(logScale[1])).isCloseTo(0.5, within(0.03));
      float[][] moved = new float[rows.length][];
      for (int i = 0; i < rows.length; i++) {
        moved[i] = new float[] {rows[i][0] + 100, rows[i][1]};
      }
      Trainer.fit(flow, FeatureMatrix.of(moved), tiny);
      assertThat(flow.parameters().get(0).getValue().getArray().toFloatArray()[0])
          .as("a second training does not re-initialize")
          .isCloseTo(shift[0], within(1e-3f));
    }
  }

  /**
   * The maximum-likelihood loss passed through {@code edit}, which gets the 0-based number of the
   * call (training steps and evaluations alike) and the loss.
   */
  private static FlowLoss likelihoodEditedByCall(BiFunction<Integer, NDArray, NDArray> edit) {
    return new FlowLoss() {
      int calls;

      @Override
      public int sources() {
        return 1;
      }

      @Override
      public NDArray compute(Flow flow, List<Batch> batches) {
        return edit.apply(calls++, new MaximumLikelihood().compute(flow, batches));
      }
    };
  }
}
