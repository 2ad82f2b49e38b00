package org.cnflows.bench.contrastive;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cnflows.bench.flows.GemmBound;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Standardization;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.ContrastiveLoss;
import org.cnflows.contrastive.PhiFeatures;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.Flows;

/**
 * Phi extraction throughput: {@link PhiFeatures#phi} of 8 CNFs of the paper's architecture ({@link
 * Flows#contrastivePaper}, 30 layers; signal and background targets x c in {0.5, 1, 2, 4}) on N
 * events of 28 features (Elsharkawy and Kahn 2025, Sec. 6.2, step 3). The flows are untrained: a
 * pass costs the same for any parameter values. Events are processed in 10 chunks so progress is
 * printed; the figure is N / wall time (all 8 Phi columns per event), printed with its fraction of
 * the {@link GemmBound} of 8 CNFs measured after it.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar org.cnflows.bench.contrastive.PhiThroughput
 * [events [batch]]}, defaults 1,000,000 and 8192; device from {@code -Dcnflows.device}.
 */
public final class PhiThroughput {

  private static final int DIM = 28;
  private static final double[] CONTRASTS = {0.5, 1, 2, 4};

  private PhiThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code [events [batch]]}
   */
  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
    if (events < 10 || batch < 1) {
      throw new IllegalArgumentException(
          "events = " + events + " must be >= 10 and batch = " + batch + " >= 1");
    }
    Device device = Devices.fromSystemProperty();
    System.out.println(EngineInfo.current());
    float[] x = new float[events * DIM];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    List<CnfSet.Member> members = new ArrayList<>();
    for (ContrastiveLoss.Target target : ContrastiveLoss.Target.values()) {
      for (double c : CONTRASTS) {
        members.add(
            new CnfSet.Member(
                target.name().toLowerCase() + "_c" + c,
                target,
                c,
                Flows.contrastivePaper(DIM, 0).optDevice(device).optSeed(members.size()).build()));
      }
    }
    try (CnfSet set = new CnfSet(members, Standardization.identity(DIM))) {
      PhiFeatures features = new PhiFeatures(set, batch);
      features.phi(FeatureMatrix.of(Arrays.copyOf(x, Math.min(x.length, 2 * batch * DIM)), DIM));
      int chunk = events / 10;
      long start = System.nanoTime();
      for (int c = 0; c < 10; c++) {
        int from = c * chunk;
        int to = c == 9 ? events : from + chunk;
        features.phi(FeatureMatrix.of(Arrays.copyOfRange(x, from * DIM, to * DIM), DIM));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%,d / %,d events, %.1f s, %.0f events/s%n", to, events, seconds, to / seconds);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "Phi of %d CNFs for %,d events (batch %d, %s): %.1f s, %.0f events/s, %.0f CNF"
              + " evaluations/s%n",
          members.size(),
          events,
          batch,
          device,
          seconds,
          events / seconds,
          events * (double) members.size() / seconds);
      GemmBound bound = GemmBound.measure(members.get(0).flow(), batch);
      double limit = bound.logProbEventsPerSecond() / members.size();
      System.out.println(bound);
      System.out.printf(
          "Phi: %.0f%% of the GEMM bound of %d CNFs (%,.0f events/s, %.0f s for these events)%n",
          100 * events / seconds / limit, members.size(), limit, events / limit);
      System.out.printf(
          "RESULT impl=cnflows flow=phi8 op=phi batch=%d events_per_s=%.1f gemm_bound=%.1f%n",
          batch, events / seconds, limit);
    }
  }
}
