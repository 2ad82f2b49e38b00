package org.cnflows.bench.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.flows.Flow;
import org.cnflows.flows.Flows;

/**
 * Native memory of the long-lived-manager pattern: one {@link NDManager} kept for the whole run,
 * {@link Flow#logProb} called on a fresh batch in it again and again, the caller closing the input
 * and the result after each call. Prints the resident set size ({@code VmRSS} of {@code
 * /proc/self/status}) and the number of arrays left in the caller's manager after {@code calls /
 * 10} warm-up calls (allocator pools and the Java heap settle) and then every {@code calls / 10} of
 * {@code calls} measured calls, and the growth over the measured calls. The Java heap's committed
 * size is printed beside the RSS, which includes it: with {@code -Xms} equal to {@code -Xmx} and
 * {@code -XX:+AlwaysPreTouch} the RSS changes only with native memory.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar
 * org.cnflows.bench.flows.LongLivedManagerMemory [calls [batch]]}, defaults 10,000 and 256; the
 * flow is {@code Flows.gatedQuadratic(8, 0, 8, 64, 2)} (the CNF paper's layer types at reduced
 * size); device from {@code -Dcnflows.device}.
 */
public final class LongLivedManagerMemory {

  private static final int DIM = 8;

  private LongLivedManagerMemory() {}

  /**
   * Runs the measurement.
   *
   * @param args {@code [calls [batch]]}
   * @throws IOException if {@code /proc/self/status} cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    if (calls < 10 || batch < 1) {
      throw new IllegalArgumentException(
          "calls = " + calls + " must be >= 10 and batch = " + batch + " >= 1");
    }
    Device device = Devices.fromSystemProperty();
    System.out.println(EngineInfo.current());
    float[] x = new float[batch * DIM];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    try (Flow flow = Flows.gatedQuadratic(DIM, 0, 8, 64, 2).optDevice(device).build();
        NDManager manager = NDManager.newBaseManager(device)) {
      int warmUp = calls / 10;
      for (int call = 0; call < warmUp; call++) {
        evaluate(flow, manager, x, batch);
      }
      long first = residentKilobytes();
      System.out.printf(
          "after %d warm-up calls: RSS %.1f MB (Java heap committed %.1f MB), arrays in the"
              + " caller's manager %d%n",
          warmUp, first / 1024.0, heapMegabytes(), manager.getManagedArrays().size());
      long last = first;
      for (int call = 1; call <= calls; call++) {
        evaluate(flow, manager, x, batch);
        if (call % (calls / 10) == 0) {
          last = residentKilobytes();
          System.out.printf(
              "calls %6d  RSS %8.1f MB  Java heap committed %6.1f MB  arrays in the caller's"
                  + " manager %d%n",
              call, last / 1024.0, heapMegabytes(), manager.getManagedArrays().size());
        }
      }
      System.out.printf(
          "RSS growth over %d calls: %+.1f%% (%+.4f MB per call)%n",
          calls, 100.0 * (last - first) / first, (last - first) / 1024.0 / calls);
    }
  }

  private static void evaluate(Flow flow, NDManager manager, float[] x, int batch) {
    try (NDArray input = manager.create(x, new Shape(batch, DIM));
        NDArray logProb = flow.logProb(input, null)) {
      logProb.getFloat(0);
    }
  }

  private static double heapMegabytes() {
    return Runtime.getRuntime().totalMemory() / 1024.0 / 1024.0;
  }

  private static long residentKilobytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("/proc/self/status has no VmRSS line");
  }
}
