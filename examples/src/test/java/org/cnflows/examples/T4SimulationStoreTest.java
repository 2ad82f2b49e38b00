package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Flow;
import org.cnflows.flows.LearningRateSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulation kept by {@code t4 --simulation-dir}: a second study loads the flows the first
 * trained, bit for bit, and a directory trained with other options, without the feature flows asked
 * for or with other layers is refused with a message that names the difference.
 */
class T4SimulationStoreTest {

  /** A simulation of a few events and steps: seconds to train. */
  private static T4Study.Settings settings(long seed, int nominal, Path directory) {
    return settings(seed, nominal, 0, 0, directory);
  }

  /**
   * The same, the last share {@code flowAverage} of each flow's steps averaged and {@code finish}
   * finishing steps.
   */
  private static T4Study.Settings settings(
      long seed, int nominal, double flowAverage, int finish, Path directory) {
    return new T4Study.Settings(
        nominal,
        300,
        100,
        3,
        3,
        flowAverage,
        finish,
        1,
        0,
        1,
        0,
        1,
        true,
        4,
        false,
        64,
        1,
        3,
        0,
        0,
        1,
        true,
        true,
        LearningRateSchedule.COSINE,
        seed,
        directory);
  }

  private static String simulate(T4Study.Settings s, boolean features, Flow[] into) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    T4Simulation sim =
        T4Simulation.simulate(
            s, Device.cpu(), new PrintStream(text, true, StandardCharsets.UTF_8), features);
    into[0] = sim.xBase();
    into[1] = sim.yBase();
    into[2] = sim.xResidual();
    into[3] = sim.yResidual();
    return text.toString(StandardCharsets.UTF_8);
  }

  private static void assertSameParameters(Flow a, Flow b) {
    List<Pair<String, Parameter>> pa = a.parameters();
    List<Pair<String, Parameter>> pb = b.parameters();
    assertThat(pb).hasSameSizeAs(pa);
    for (int i = 0; i < pa.size(); i++) {
      assertThat(pb.get(i).getKey()).isEqualTo(pa.get(i).getKey());
      // the bytes of any data type (the masks are integers)
      assertThat(pb.get(i).getValue().getArray().toByteArray())
          .as(pa.get(i).getKey())
          .isEqualTo(pa.get(i).getValue().getArray().toByteArray());
    }
  }

  /** The mean log density of a flow over the rows. */
  private static double meanLogProb(Flow flow, FeatureMatrix rows) {
    float[] l =
        new BatchEvaluator(Device.cpu(), 8192)
            .evaluate(rows, List.of(EventFunction.logProb(flow)))[0];
    double sum = 0;
    for (float v : l) {
      sum += v;
    }
    return sum / l.length;
  }

  private static void close(Flow[] flows) {
    for (Flow f : flows) {
      if (f != null) {
        f.close();
      }
    }
  }

  @Test
  void aSecondStudyLoadsTheTrainedSimulation(@TempDir Path dir) {
    Flow[] trained = new Flow[4];
    Flow[] loaded = new Flow[4];
    Flow[] kinematicsOnly = new Flow[4];
    try {
      assertThat(simulate(settings(3, 400, dir), true, trained))
          .contains("nominal flow p(x | c)", "saved in");
      assertThat(T4SimulationStore.holds(dir)).isTrue();
      String second = simulate(settings(3, 400, dir), true, loaded);
      assertThat(second).contains("loaded from").doesNotContain("nominal flow p(x | c)");
      for (int i = 0; i < 4; i++) {
        assertSameParameters(trained[i], loaded[i]);
      }
      // a simulation saved with the feature flows serves a study of the kinematics alone
      simulate(settings(3, 400, dir), false, kinematicsOnly);
      assertThat(kinematicsOnly[1]).isNull();
      assertThat(kinematicsOnly[3]).isNull();
      assertSameParameters(trained[2], kinematicsOnly[2]);
    } finally {
      close(trained);
      close(loaded);
      close(kinematicsOnly);
    }
  }

  @Test
  void aDirectoryOfAnotherSimulationIsRefusedWithTheDifference(@TempDir Path dir)
      throws IOException {
    Flow[] trained = new Flow[4];
    try {
      simulate(settings(3, 400, dir), false, trained);
    } finally {
      close(trained);
    }
    assertThatThrownBy(() -> simulate(settings(4, 500, dir), false, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nominalEvents 400 (asked: 500)")
        .hasMessageContaining("seed 3 (asked: 4)")
        .hasMessageNotContaining("templateEvents");
    assertThatThrownBy(() -> simulate(settings(3, 400, dir), true, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without the feature flows");
    // an options file that does not say whether the feature flows are there is not a saved one
    Files.writeString(dir.resolve(T4SimulationStore.OPTIONS), "{\"seed\": 3}");
    assertThatThrownBy(() -> simulate(settings(3, 400, dir), false, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no saved T4 simulation's options");
  }

  @Test
  void theAveragedShareOfStepsTrainsOtherFlowsAndIsPartOfTheKey(@TempDir Path dir) {
    Path plain = dir.resolve("plain");
    Path averaged = dir.resolve("averaged");
    Flow[] last = new Flow[4];
    Flow[] mean = new Flow[4];
    try {
      simulate(settings(3, 400, plain), false, last);
      simulate(settings(3, 400, 0.5, 0, averaged), false, mean);
      // the same seeds and events: the nominal flow and the residual end elsewhere only if the
      // averaging reached their trainings
      for (int i : new int[] {0, 2}) {
        assertThat(mean[i].parameters().get(0).getValue().getArray().toFloatArray())
            .isNotEqualTo(last[i].parameters().get(0).getValue().getArray().toFloatArray());
      }
    } finally {
      close(last);
      close(mean);
    }
    assertThatThrownBy(() -> simulate(settings(3, 400, 0.5, 0, plain), false, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flowAverage 0.0 (asked: 0.5)");
  }

  @Test
  void theFinishingStepsTrainOtherFlowsAndArePartOfTheKeyAndOlderSimulationsHadNone(
      @TempDir Path dir) throws IOException {
    Path plain = dir.resolve("plain");
    Path finished = dir.resolve("finished");
    Flow[] last = new Flow[4];
    Flow[] end = new Flow[4];
    try {
      simulate(settings(3, 400, 0, 0, plain), false, last);
      assertThat(simulate(settings(3, 400, 0, 5, finished), false, end))
          .contains("finishing: 5 steps of 400 rows", "finishing: 5 steps of 2400 rows");
      // the same seeds and events: the nominal flow and the residual end elsewhere only if the
      // finishing reached their trainings
      for (int i : new int[] {0, 2}) {
        assertThat(end[i].parameters().get(0).getValue().getArray().toFloatArray())
            .isNotEqualTo(last[i].parameters().get(0).getValue().getArray().toFloatArray());
      }
      // and the finished nominal flow fits the whole simulated sample better: its batches are the
      // whole sample here, at a small step size
      FeatureMatrix sample =
          T4Rows.kinematics(T4Simulation.nominalEvents(settings(3, 400, plain)), null);
      assertThat(meanLogProb(end[0], sample)).isGreaterThan(meanLogProb(last[0], sample));
    } finally {
      close(last);
      close(end);
    }
    assertThatThrownBy(() -> simulate(settings(3, 400, 0, 5, plain), false, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flowFinish 0 (asked: 5)");
    // a simulation saved before the option existed was trained without finishing
    Path options = plain.resolve(T4SimulationStore.OPTIONS);
    String saved = Files.readString(options);
    String older = saved.replaceAll("\\s*\"flowFinish\"\\s*:\\s*0\\s*,", "");
    assertThat(older).isNotEqualTo(saved).doesNotContain("flowFinish");
    Files.writeString(options, older);
    Flow[] loaded = new Flow[4];
    try {
      assertThat(simulate(settings(3, 400, plain), false, loaded)).contains("loaded from");
    } finally {
      close(loaded);
    }
    assertThatThrownBy(() -> simulate(settings(3, 400, 0, 5, plain), false, new Flow[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flowFinish 0 (asked: 5)");
  }

  @Test
  void savedFlowsWithOtherLayersAreRefused(@TempDir Path dir) {
    T4Study.Settings s = settings(3, 400, dir);
    Flow[] trained = new Flow[4];
    try {
      simulate(s, true, trained);
    } finally {
      close(trained);
    }
    T4SimulationStore.Layout built = T4Simulation.layout(s, Device.cpu());
    // as if this version built the nominal kinematics flow like the feature flow
    T4SimulationStore.Layout other =
        new T4SimulationStore.Layout(
            built.yBase(), built.yBase(), built.xResidual(), built.yResidual());
    assertThatThrownBy(() -> T4SimulationStore.load(dir, s, true, other, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x-base has other layers than this version of t4 builds");
  }
}
