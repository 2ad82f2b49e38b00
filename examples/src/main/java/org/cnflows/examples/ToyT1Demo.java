package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintStream;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.stats.toys.BivariateGaussian;
import org.cnflows.stats.toys.ToyT1;

/**
 * The main job: starts the PyTorch engine offline, reports versions and device, and evaluates toy
 * T1 (Elsharkawy and Kahn 2025, Eq. 11) on a grid with NDArrays.
 *
 * <p>It checks the NDArray log-densities against the double-precision ones, integrates both
 * densities over the grid (expected 1), and integrates max(p_s - c p_b, 0) to get the normalizer
 * lambda_c of the optimal contrastive density (Eq. 10), compared with the reference values.
 */
final class ToyT1Demo {

  static final double X0_MIN = -16, X0_MAX = 12, X1_MIN = -14, X1_MAX = 22;

  private ToyT1Demo() {}

  static int run(String[] args, PrintStream out) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    if (n < 10) {
      throw new IllegalArgumentException("grid size n = " + n + " must be at least 10");
    }
    long start = System.nanoTime();
    EngineInfo info = EngineInfo.current();
    Device device = Devices.fromSystemProperty();
    out.println("cnflows demo: " + info + ", device " + device);

    double h0 = (X0_MAX - X0_MIN) / n;
    double h1 = (X1_MAX - X1_MIN) / n;
    float[] grid = new float[2 * n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int row = i * n + j;
        grid[2 * row] = (float) (X0_MIN + (i + 0.5) * h0);
        grid[2 * row + 1] = (float) (X1_MIN + (j + 0.5) * h1);
      }
    }
    try (NDManager manager = NDManager.newBaseManager(device)) {
      NDArray x = manager.create(grid).reshape(n * n, 2);
      NDArray logPs = logDensity(x, ToyT1.SIGNAL);
      NDArray logPb = logDensity(x, ToyT1.BACKGROUND);
      double cell = h0 * h1;
      double normS = logPs.exp().sum().toType(DataType.FLOAT64, false).getDouble() * cell;
      double normB = logPb.exp().sum().toType(DataType.FLOAT64, false).getDouble() * cell;
      double maxDiff = maxAbsDifference(grid, logPs.toFloatArray(), ToyT1.SIGNAL);
      maxDiff = Math.max(maxDiff, maxAbsDifference(grid, logPb.toFloatArray(), ToyT1.BACKGROUND));

      out.printf("grid %d x %d on [%g, %g] x [%g, %g]%n", n, n, X0_MIN, X0_MAX, X1_MIN, X1_MAX);
      out.printf("integral of p_s = %.6f, of p_b = %.6f (exact: 1)%n", normS, normB);
      out.printf(
          "max |log p (NDArray, float32) - log p (double)| / max(1, |log p|) = %.3g%n", maxDiff);
      out.println("c      lambda_c   reference");
      NDArray ps = logPs.exp();
      NDArray pb = logPb.exp();
      for (int k = 0; k < ToyT1.CONTRASTS.length; k++) {
        double c = ToyT1.CONTRASTS[k];
        double lambda = ps.sub(pb.mul(c)).maximum(0f).sum().getFloat() * cell;
        out.printf("%-6.1f %-10.4f %.3f%n", c, lambda, ToyT1.LAMBDA_C_REFERENCE[k]);
      }
    }
    out.printf("done in %.2f s%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** log N(x; m, S) for the rows of {@code x} (shape n x 2). */
  static NDArray logDensity(NDArray x, BivariateGaussian g) {
    NDManager m = x.getManager();
    double[] p = g.precision();
    NDArray mean = m.create(new float[] {(float) g.mean0(), (float) g.mean1()});
    NDArray precision =
        m.create(new float[] {(float) p[0], (float) p[1], (float) p[1], (float) p[2]})
            .reshape(2, 2);
    NDArray d = x.sub(mean);
    NDArray quad = d.matMul(precision).mul(d).sum(new int[] {1});
    double constant = -Math.log(2 * Math.PI) - 0.5 * Math.log(g.determinant());
    return quad.mul(-0.5f).add((float) constant);
  }

  private static double maxAbsDifference(float[] grid, float[] logP, BivariateGaussian g) {
    double max = 0;
    for (int row = 0; row < logP.length; row++) {
      double exact = g.logDensity(grid[2 * row], grid[2 * row + 1]);
      max = Math.max(max, Math.abs(logP[row] - exact) / Math.max(1, Math.abs(exact)));
    }
    return max;
  }
}
