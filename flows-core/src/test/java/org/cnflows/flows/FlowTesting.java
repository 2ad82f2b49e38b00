package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/** Helpers shared by flow tests (published in the test-jar). */
public final class FlowTesting {

  private FlowTesting() {}

  /** Overwrites every trainable parameter with U(-scale, scale) values from a seeded generator. */
  public static void randomize(
      Iterable<Pair<String, Parameter>> parameters, double scale, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (Pair<String, Parameter> p : parameters) {
      Parameter parameter = p.getValue();
      if (!parameter.requiresGradient()) {
        continue;
      }
      NDArray array = parameter.getArray();
      float[] values = new float[Math.toIntExact(array.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) ((2 * random.nextDouble() - 1) * scale);
      }
      array.set(values);
    }
  }

  /**
   * The comma-separated fields of each line of a test resource, skipping comment lines ({@code #}).
   */
  public static List<String[]> csvRows(String resource) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (InputStream in = FlowTesting.class.getResourceAsStream(resource);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.startsWith("#")) {
          rows.add(line.split(","));
        }
      }
    }
    return rows;
  }

  /** |actual - expected|, relative to |expected| above 1. */
  public static double deviation(double actual, double expected) {
    return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  }

  /** An (n, d) array of N(0, sigma^2) values. */
  public static NDArray normal(NDManager manager, int n, int d, double sigma, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n * d];
    for (int i = 0; i < values.length; i++) {
      double u1 = 1 - random.nextDouble();
      double u2 = random.nextDouble();
      values[i] = (float) (sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    return manager.create(values, new Shape(n, d));
  }

  /**
   * log |det J| of a row-wise map at each row of x, from the autograd Jacobian (one backward pass
   * per output feature) and an LU decomposition in double.
   */
  public static double[] autogradLogDet(NDArray x, Function<NDArray, NDArray> map) {
    double[][][] jacobian = jacobian(x, map);
    double[] result = new double[jacobian.length];
    for (int r = 0; r < jacobian.length; r++) {
      result[r] = logAbsDet(jacobian[r]);
    }
    return result;
  }

  /**
   * The autograd Jacobian of a row-wise map (N, d) -> (N, m) at each row of x, one backward pass
   * per output column: element [r][i][k] is d out_{r,i} / d x_{r,k}.
   */
  public static double[][][] jacobian(NDArray x, Function<NDArray, NDArray> map) {
    int n = (int) x.getShape().get(0);
    int d = (int) x.getShape().get(1);
    double[][][] jacobian = null;
    for (int j = 0; jacobian == null || j < jacobian[0].length; j++) {
      NDArray input = x.duplicate();
      input.setRequiresGradient(true);
      try (ai.djl.training.GradientCollector gc =
          ai.djl.engine.Engine.getInstance().newGradientCollector()) {
        NDArray out = map.apply(input);
        if (jacobian == null) {
          jacobian = new double[n][(int) out.getShape().get(1)][d];
        }
        gc.backward(out.get(":, " + j).sum());
      }
      float[] g = input.getGradient().toFloatArray();
      for (int r = 0; r < n; r++) {
        for (int k = 0; k < d; k++) {
          jacobian[r][j][k] = g[r * d + k];
        }
      }
      input.close();
    }
    return jacobian;
  }

  /** log |det A| by Gaussian elimination with partial pivoting. */
  public static double logAbsDet(double[][] matrix) {
    int d = matrix.length;
    double[][] a = new double[d][];
    for (int i = 0; i < d; i++) {
      a[i] = matrix[i].clone();
    }
    double sum = 0;
    for (int c = 0; c < d; c++) {
      int pivot = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
          pivot = r;
        }
      }
      double[] t = a[c];
      a[c] = a[pivot];
      a[pivot] = t;
      sum += Math.log(Math.abs(a[c][c]));
      for (int r = c + 1; r < d; r++) {
        double f = a[r][c] / a[c][c];
        for (int k = c; k < d; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    return sum;
  }
}
