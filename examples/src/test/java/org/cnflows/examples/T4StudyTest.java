package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The T4 study at reduced scale (5,000 nominal events, 8 templates of 2,000, 3,000 data events, 100
 * Adam steps per stage, no bootstrap; about a minute): the chain runs end to end and writes its
 * plots; the trained residuals beat the identity (a residual that learned nothing) on the true
 * deformations, x by half; the flow fit converges with errors within a factor 2 of the true
 * likelihood's on the same data. At this scale the flow's nu are not yet unbiased (the full-scale
 * figures are in flows-profiling/README.md).
 */
class T4StudyTest {

  @Test
  void theChainRunsEndToEndAndTheResidualsLearnTheDeformations(@TempDir Path plots)
      throws IOException {
    T4Study.Report r =
        T4Study.study(
            new T4Study.Settings(5000, 2000, 3000, 100, 100, 100, 0, 1, true, 1),
            Device.cpu(),
            plots,
            System.out);
    T4Study.print(r, System.out);
    T4Study.Deformation d = r.deformation();
    assertThat(d.xOnAxes()).isLessThan(0.5 * d.xIdentity());
    assertThat(d.yOnAxes()).isLessThan(d.yIdentity());
    assertThat(r.flow().status()).isEqualTo("CONVERGED");
    for (int k = 1; k <= 2; k++) {
      assertThat(r.flow().errors()[k])
          .isBetween(0.5 * r.truth().errors()[k], 2 * r.truth().errors()[k]);
    }
    assertThat(r.modes().variances()).hasSize(3);
    assertThat(r.impacts()).hasSize(2);
    for (String name :
        new String[] {
          "t4-deformation.png",
          "t4-scan-nu_shift.png",
          "t4-scan-nu_squeeze.png",
          "t4-pull-mode0.png"
        }) {
      assertThat(Files.size(plots.resolve(name))).as(name).isGreaterThan(1000);
    }
  }
}
