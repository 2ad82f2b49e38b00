package org.cnflows.higgsml.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.PseudoExperiment;
import org.cnflows.higgsml.SyntheticGenerator;
import org.junit.jupiter.api.Test;

class SyntheticExperimentsTest {

  @Test
  void drawsPoissonYieldsPerProcessScaledByMuAndTheNormalizations() {
    NuisanceParameters nu = new NuisanceParameters(1.0, 1.0, 0, 1.1, 1.0, 1.01);
    SyntheticExperiments experiments = new SyntheticExperiments(0.1);
    PseudoExperiment pe = experiments.generate(2.0, nu, 5);
    Map<PhysicsProcess, Integer> n = pe.generated();
    // expected: htautau 1015 x 0.01 x 2 = 20.3; ztautau 1,002,395 x 0.01 x 1.01 = 10,124;
    // ttbar 44,190 x 0.01 x 1.01 x 1.1 = 490.9; diboson 3783 x 0.01 x 1.01 = 38.2 (5 sigma bands)
    assertThat(n.get(PhysicsProcess.ZTAUTAU)).isBetween(10_124 - 5 * 101, 10_124 + 5 * 101);
    assertThat(n.get(PhysicsProcess.TTBAR)).isBetween(491 - 5 * 22, 491 + 5 * 22);
    assertThat(n.get(PhysicsProcess.DIBOSON)).isBetween(38 - 5 * 6, 38 + 5 * 6);
    assertThat(n.get(PhysicsProcess.HTAUTAU)).isBetween(1, 20 + 5 * 5);
    EventTable events = pe.events();
    assertThat(events.size()).isLessThan(n.values().stream().mapToInt(Integer::intValue).sum());
    for (float w : events.weights()) {
      assertThat(w).isEqualTo(1f);
    }
    assertThat(experiments.generate(2.0, nu, 5).events().column("DER_mass_vis"))
        .isEqualTo(events.column("DER_mass_vis"));
    assertThat(experiments.generate(2.0, nu, 6).events().size()).isNotEqualTo(events.size());
  }

  @Test
  void aProcessDrawnZeroTimesIsAbsent() {
    Map<PhysicsProcess, Integer> counts = new EnumMap<>(PhysicsProcess.class);
    counts.put(PhysicsProcess.HTAUTAU, 0);
    counts.put(PhysicsProcess.ZTAUTAU, 50);
    counts.put(PhysicsProcess.TTBAR, 0);
    counts.put(PhysicsProcess.DIBOSON, 7);
    EventTable t = SyntheticExperiments.generateExactly(counts, 3);
    assertThat(t.size()).isEqualTo(57);
    assertThat(t.count(PhysicsProcess.HTAUTAU)).isZero();
    assertThat(t.count(PhysicsProcess.TTBAR)).isZero();
    assertThat(t.count(PhysicsProcess.DIBOSON)).isEqualTo(7);
    assertThat(t.sumWeights(PhysicsProcess.DIBOSON))
        .isCloseTo(
            SyntheticGenerator.YIELDS_10FB.get(PhysicsProcess.DIBOSON),
            org.assertj.core.data.Offset.offset(1.0));
  }

  @Test
  void refusesANonPositiveLuminosity() {
    assertThatThrownBy(() -> new SyntheticExperiments(0)).hasMessageContaining("luminosity = 0.0");
  }
}
