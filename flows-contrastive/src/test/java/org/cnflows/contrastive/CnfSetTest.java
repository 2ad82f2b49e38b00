package org.cnflows.contrastive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.ModelDirectory;
import org.cnflows.common.Provenance;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.ContrastiveLoss.Target;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.FlowTesting;
import org.cnflows.flows.Flows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved {@link CnfSet} of several members loads back identical, or fails naming the mismatch. */
class CnfSetTest {

  private static final Standardization SCALE =
      new Standardization(new double[] {-1.5, 3.75}, new double[] {1.9, 3.7});

  /** Two signal and two background CNFs of two architectures, with randomized parameters. */
  private static CnfSet fourMembers() {
    List<CnfSet.Member> members =
        List.of(
            new CnfSet.Member("s_c0.5", Target.SIGNAL, 0.5, randomized(gatedQuadratic(2, 5))),
            new CnfSet.Member("s_c2", Target.SIGNAL, 2, randomized(realNvp(2, 6))),
            new CnfSet.Member("b_c1", Target.BACKGROUND, 1, randomized(gatedQuadratic(2, 7))),
            new CnfSet.Member("b_c0.5", Target.BACKGROUND, 0.5, randomized(realNvp(2, 8))));
    return new CnfSet(members, SCALE);
  }

  private static Flow gatedQuadratic(int dim, long seed) {
    return Flows.gatedQuadratic(dim, 0, 4, 8, 1).optDevice(Device.cpu()).optSeed(seed).build();
  }

  private static Flow realNvp(int dim, long seed) {
    return Flows.realNvp(dim, 0, 2, 8, 1).optDevice(Device.cpu()).optSeed(seed).build();
  }

  private static Flow randomized(Flow flow) {
    FlowTesting.randomize(flow.parameters(), 0.3, flow.seed());
    return flow;
  }

  private static FeatureMatrix events() {
    float[] x = new float[2 * 101];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (4 * Math.sin(0.37 * i * i) + (i % 2 == 1 ? 3 : -1.5));
    }
    return FeatureMatrix.of(x, 2);
  }

  @Test
  void aSavedSetOfFourMembersLoadsWithIdenticalFeaturesAndMetadata(@TempDir Path dir)
      throws Exception {
    FeatureMatrix x = events();
    double[][] before;
    try (CnfSet set = fourMembers()) {
      before = new PhiFeatures(set, 32).phi(x);
      set.save(dir);
    }
    try (CnfSet loaded = CnfSet.load(dir, Device.cpu())) {
      assertThat(loaded.members())
          .extracting(CnfSet.Member::name)
          .containsExactly("s_c0.5", "s_c2", "b_c1", "b_c0.5");
      assertThat(loaded.members())
          .extracting(CnfSet.Member::target)
          .containsExactly(Target.SIGNAL, Target.SIGNAL, Target.BACKGROUND, Target.BACKGROUND);
      assertThat(loaded.members()).extracting(CnfSet.Member::c).containsExactly(0.5, 2.0, 1.0, 0.5);
      assertThat(loaded.members()).extracting(m -> m.flow().seed()).containsExactly(5L, 6L, 7L, 8L);
      assertThat(loaded.standardization()).isEqualTo(SCALE);
      double[][] after = new PhiFeatures(loaded, 32).phi(x);
      for (int k = 0; k < before.length; k++) {
        assertThat(after[k]).as("Phi of member %d", k).containsExactly(before[k]);
      }
      assertThat(before[0]).as("members differ").isNotEqualTo(before[1]);
      ModelDirectory.Manifest manifest = ModelDirectory.manifest(dir);
      assertThat(manifest.type()).isEqualTo(CnfSet.TYPE);
      assertThat(manifest.seed()).isEqualTo(5);
      Provenance provenance = manifest.provenance();
      assertThat(provenance.library()).isEqualTo(Provenance.libraryVersion());
      assertThat(provenance.java()).isEqualTo(System.getProperty("java.version"));
    }
  }

  @Test
  void aMemberOfAnotherWidthFailsTheLoadNamingIt(@TempDir Path dir) throws Exception {
    try (CnfSet set = fourMembers()) {
      set.save(dir);
    }
    try (Flow three = realNvp(3, 9)) {
      FlowIO.save(three, dir.resolve("b_c1"));
    }
    assertThatThrownBy(() -> CnfSet.load(dir, Device.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("member b_c1 has dim = 3")
        .hasMessageContaining("unconditional flows of dim = 2");
  }
}
