package org.cnflows.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.examples.plots.Chart;
import org.cnflows.flows.BatchEvaluator;
import org.cnflows.profiling.DoiModel;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.UncertaintyModes;
import org.cnflows.stats.toys.ToyT4;

/**
 * The pictures of the T4 study: the learned deformation of p(x | c, nu) against the closed form,
 * and each eigen-mode of the covariance as a displacement field of the kinematics and of the DOI
 * (the paper's "pulls"). The scans draw their own chart and save it here.
 */
final class T4Plots {

  private T4Plots() {}

  /**
   * log p(x | c, nu) - log p(x | c, 0) along x1 (x2 = 0) for nu_shift = +-1.5, learned and true.
   */
  static void deformationPlot(T4Simulation sim, BatchEvaluator evaluator, Path plots) {
    int n = 61;
    double[] grid = new double[n];
    for (int i = 0; i < n; i++) {
      grid[i] = -2.5 + 5.0 * i / (n - 1);
    }
    Chart chart =
        Chart.titled(
            "T4: deformation of p(x1, x2 = 0 | c, nu) by the shift nuisance",
            "x1",
            "log p(x | c, nu) - log p(x | c, 0)");
    for (int c = 0; c < 2; c++) {
      for (double v : new double[] {-1.5, 1.5}) {
        double[] nu = {v, 0};
        float[][] rows = new float[n][];
        float[][] ctx = new float[n][];
        float[][] ctx0 = new float[n][];
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) {
          rows[i] = new float[] {(float) grid[i], 0};
          ctx[i] = new float[] {c == 0 ? 1 : 0, c == 1 ? 1 : 0, (float) v, 0};
          ctx0[i] = new float[] {c == 0 ? 1 : 0, c == 1 ? 1 : 0, 0, 0};
          double[] x = {grid[i], 0};
          truth[i] = ToyT4.logDensityX(x, c, nu[0], nu[1]) - ToyT4.logDensityX(x, c, 0, 0);
        }
        float[] l =
            evaluator.evaluate(FeatureMatrix.of(rows, ctx), List.of(sim.kinematics().logProb()))[0];
        float[] l0 =
            evaluator
                .evaluate(FeatureMatrix.of(rows, ctx0), List.of(sim.kinematics().logProb()))[0];
        double[] learned = new double[n];
        for (int i = 0; i < n; i++) {
          learned[i] = l[i] - l0[i];
        }
        String label = (c == 0 ? "A" : "B") + String.format(", nu_shift = %+.1f", v);
        chart.line("learned " + label, grid, learned).dashed("true " + label, grid, truth);
      }
    }
    save(chart, plots.resolve("t4-deformation.png"));
  }

  static void save(Chart chart, Path file) {
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file.getParent(), e);
    }
    chart.save(file);
  }

  /** nu-hat moved by one standard deviation along eigen-mode k of the covariance. */
  private static double[] alongMode(UncertaintyModes modes, int k, double[] hat) {
    double[] moved = hat.clone();
    List<String> names = modes.names();
    for (int j = 0; j < names.size(); j++) {
      int q = T4Study.NAMES.indexOf(names.get(j));
      if (q >= 0) {
        moved[q] += Math.sqrt(modes.variances()[k]) * modes.directions()[k][j];
      }
    }
    return moved;
  }

  /** A side x side grid of points (row-major pairs) over [x0, x1] x [y0, y1]. */
  private static float[] grid(int side, double x0, double x1, double y0, double y1) {
    float[] grid = new float[side * side * 2];
    for (int i = 0; i < side; i++) {
      for (int j = 0; j < side; j++) {
        int r = i * side + j;
        grid[2 * r] = (float) (x0 + (x1 - x0) * i / (side - 1));
        grid[2 * r + 1] = (float) (y0 + (y1 - y0) * j / (side - 1));
      }
    }
    return grid;
  }

  /** Arrows from each grid point to its moved point, magnified. */
  private static void arrows(
      String title, String xLabel, String yLabel, float[] grid, float[] moved, Path file) {
    int n = grid.length / 2;
    double magnify = 20;
    double[] px = new double[n];
    double[] py = new double[n];
    double[] dx = new double[n];
    double[] dy = new double[n];
    for (int r = 0; r < n; r++) {
      px[r] = grid[2 * r];
      py[r] = grid[2 * r + 1];
      dx[r] = magnify * (moved[2 * r] - grid[2 * r]);
      dy[r] = magnify * (moved[2 * r + 1] - grid[2 * r + 1]);
    }
    save(
        Chart.titled(title + ", x20", xLabel, yLabel).arrows("displacement", px, py, dx, dy), file);
  }

  private static String modeTitle(String what, UncertaintyModes modes, int k) {
    return String.format(
        "T4 pull mode %d (sigma %.4f along %s %s): %s",
        k,
        Math.sqrt(modes.variances()[k]),
        modes.names(),
        Arrays.toString(T4Study.round(modes.directions()[k])),
        what);
  }

  /**
   * Each eigen-mode of the covariance drawn as the displacement it causes on the kinematics of
   * class B: x' = R^-1(R(x; nu-hat); nu-hat + sqrt(lambda) v) - x on a grid, magnified.
   */
  static void pulls(
      T4Simulation sim, UncertaintyModes modes, FitResult fit, Device device, Path plots) {
    double[] hat = {fit.value(T4Study.NAMES.get(0)), fit.value(T4Study.NAMES.get(1))};
    float[] grid = grid(11, -2, 2, -1.5, 1.5);
    for (int k = 0; k < modes.variances().length; k++) {
      float[] shifted = displaced(sim, grid, 1, hat, alongMode(modes, k, hat), device);
      arrows(
          modeTitle("kinematics of class B", modes, k),
          "x1",
          "x2",
          grid,
          shifted,
          plots.resolve("t4-pull-mode" + k + ".png"));
    }
  }

  /**
   * Each eigen-mode drawn as the displacement of the amortized DOI (the map from data to
   * simulation, T then the profiling flow) at x = (0.5, 0), class B: P(T(y); nu-hat + sqrt(lambda)
   * v) - P(T(y); nu-hat) on a grid of data y, magnified; the paper's "pulls" of the DOI.
   */
  static void doiPulls(
      DoiModel amortized, UncertaintyModes modes, FitResult fit, Device device, Path plots) {
    double[] hat = {fit.value(T4Study.NAMES.get(0)), fit.value(T4Study.NAMES.get(1))};
    float[] y = grid(11, -1.2, 2.6, -3, 0.8);
    int n = y.length / 2;
    float[] rows = new float[4 * n];
    for (int r = 0; r < n; r++) {
      rows[4 * r] = 0.5f;
      rows[4 * r + 2] = y[2 * r];
      rows[4 * r + 3] = y[2 * r + 1];
    }
    for (int k = 0; k < modes.variances().length; k++) {
      double[] moved = alongMode(modes, k, hat);
      try (NDManager m = NDManager.newBaseManager(device)) {
        NDArray events = m.create(rows, new Shape(n, 4));
        float[] at = amortized.mapFeatures(events, 1, nuRows(m, hat, n)).toFloatArray();
        float[] to = amortized.mapFeatures(events, 1, nuRows(m, moved, n)).toFloatArray();
        arrows(
            modeTitle("DOI at x = (0.5, 0), class B", modes, k),
            "T(y)_1",
            "T(y)_2",
            at,
            to,
            plots.resolve("t4-doi-pull-mode" + k + ".png"));
      }
    }
  }

  private static NDArray nuRows(NDManager m, double[] nu, int n) {
    return m.create(new float[] {(float) nu[0], (float) nu[1]}, new Shape(1, 2)).repeat(0, n);
  }

  /** R^-1(R(x; c, from); c, to) for rows of x (row-major pairs). */
  private static float[] displaced(
      T4Simulation sim, float[] x, int c, double[] from, double[] to, Device device) {
    int n = x.length / 2;
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray xs = m.create(x, new Shape(n, 2));
      float[] hot = {c == 0 ? 1 : 0, c == 1 ? 1 : 0};
      NDArray oneHot = m.create(hot, new Shape(1, 2)).repeat(0, n);
      NDArray z =
          sim.kinematics()
              .transform(xs, NDArrays.concat(new NDList(oneHot, nuRows(m, from, n)), 1))
              .value();
      return sim.xResidual()
          .inverse(z, NDArrays.concat(new NDList(oneHot, nuRows(m, to, n)), 1))
          .value()
          .toFloatArray();
    }
  }
}
