package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhiFeaturesTest {

  private static final Standardization SCALE =
      new Standardization(new double[] {1, -2}, new double[] {2, 0.5});

  private static Flow flow(long seed) {
    return Flows.realNvp(2, 0, 2, 8, 1).optDevice(Device.cpu()).optSeed(seed).build();
  }

  private static FeatureMatrix events() {
    float[] x = new float[2 * 37];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(1.7 * i) * 3;
    }
    return FeatureMatrix.of(x, 2);
  }

  @Test
  void phiIsTheLogisticOfLogDensityWithoutOverflow() {
    assertThat(PhiFeatures.phi(0)).isEqualTo(0.5);
    assertThat(PhiFeatures.phi(Math.log(3))).isCloseTo(0.75, within(1e-15));
    assertThat(PhiFeatures.phi(-800)).isGreaterThanOrEqualTo(0).isLessThan(1e-300);
    assertThat(PhiFeatures.phi(800)).isEqualTo(1.0);
    assertThat(PhiFeatures.phi(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
  }

  /**
   * A new coupling flow is the identity: log p_x(x) = log N(u; 0, I) - sum log sd with u the
   * standardized x, so Phi is known in closed form.
   */
  @Test
  void columnsMatchTheClosedFormOfAnIdentityFlowAndAreAppended() {
    FeatureMatrix events = events();
    float[] x = events.x();
    try (CnfSet set =
        new CnfSet(
            List.of(
                new CnfSet.Member("s1", ContrastiveLoss.Target.SIGNAL, 1, flow(1)),
                new CnfSet.Member("b1", ContrastiveLoss.Target.BACKGROUND, 1, flow(2))),
            SCALE)) {
      PhiFeatures features = new PhiFeatures(set, 10);
      double[][] logp = features.logDensities(events);
      double[][] phi = features.phi(events);
      FeatureMatrix withPhi = features.append(events);
      float[] appended = withPhi.x();
      assertThat(withPhi.names()).containsExactly("x0", "x1", "phi_s1", "phi_b1");
      assertThat(features.names()).containsExactly("phi_s1", "phi_b1");
      for (int i = 0; i < 37; i++) {
        double u0 = (x[2 * i] - 1) / 2.0;
        double u1 = (x[2 * i + 1] + 2) / 0.5;
        double expected = -0.5 * (u0 * u0 + u1 * u1) - Math.log(2 * Math.PI) - Math.log(2 * 0.5);
        for (int k = 0; k < 2; k++) {
          assertThat(logp[k][i]).isCloseTo(expected, within(1e-4));
          assertThat(phi[k][i]).isCloseTo(PhiFeatures.phi(expected), within(1e-6));
          assertThat((double) appended[4 * i + 2 + k]).isCloseTo(phi[k][i], within(1e-6));
        }
        assertThat(appended[4 * i]).isEqualTo(x[2 * i]);
        assertThat(appended[4 * i + 1]).isEqualTo(x[2 * i + 1]);
      }
      assertThat(PhiFeatures.phiOf(logp)).isDeepEqualTo(phi);
      assertThat(features.append(events, PhiFeatures.phiOf(logp)).x()).containsExactly(appended);
      assertThatThrownBy(() -> features.append(events, new double[][] {phi[0]}))
          .hasMessageContaining("1 Phi columns for a set of 2 CNFs");
      assertThatThrownBy(
              () ->
                  features.append(
                      events, new double[][] {phi[0], java.util.Arrays.copyOf(phi[1], 5)}))
          .hasMessageContaining("Phi column 1 has 5 values for 37 events");
    }
  }

  @Test
  void eventsOfAnotherWidthThanTheSavedCnfsAreRejected(@TempDir Path dir) throws Exception {
    try (CnfSet set =
        new CnfSet(
            List.of(new CnfSet.Member("s", ContrastiveLoss.Target.SIGNAL, 1, flow(5))), SCALE)) {
      set.save(dir);
    }
    try (CnfSet loaded = CnfSet.load(dir, Device.cpu())) {
      PhiFeatures features = new PhiFeatures(loaded, 8);
      assertThatThrownBy(() -> features.phi(FeatureMatrix.of(new float[9], 3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("events have 3 features")
          .hasMessageContaining("2 features the CNFs were trained on");
    }
    try (Flow three = Flows.realNvp(3, 0, 2, 8, 1).optDevice(Device.cpu()).build()) {
      assertThatThrownBy(
              () ->
                  new CnfSet(
                      List.of(new CnfSet.Member("s", ContrastiveLoss.Target.SIGNAL, 1, three)),
                      SCALE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dim = 3");
    }
  }
}
