package org.cnflows.flows;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SplineTransform} against an independent float64 numpy implementation of the
 * rational-quadratic spline ({@code src/test/python/spline_reference.py}, which wrote {@code
 * spline_reference.csv}): forward values and log-determinants, and the inverse of the reference
 * outputs, for the thesis's configuration (10 bins, tail bound 7) and one with distinct minima,
 * including the tails and the bounds. The inverse is compared by its backward error (deviation
 * times dy/dx): in flat bins (dy/dx down to 1e-5 here) one float32 rounding of y moves x by 1e-2.
 */
class SplineReferenceTest {

  /** Tolerance of values and log-determinants, absolute below 1 and relative above. */
  private static final double TOLERANCE = 1e-5;

  /** The slope dy/dx above which the inverse's log-determinant is compared with numpy's. */
  private static final double WELL_CONDITIONED = 1e-2;

  /**
   * Tolerance of the inverse's log-determinant: its x carries float32 rounding (~1e-6), and the log
   * slope of a narrow bin changes by tens per unit of x (measured worst 1.7e-5).
   */
  private static final double INVERSE_LOG_DET_TOLERANCE = 5e-5;

  /** One row of the reference file. */
  private record Row(
      double x, double y, double logDet, double xInverse, double logDetInverse, float[] params) {

    /** dy/dx at the reference inverse of float32(y). */
    double slopeAtInverse() {
      return Math.exp(-logDetInverse);
    }
  }

  private static Map<List<Double>, List<Row>> read() throws IOException {
    Map<List<Double>, List<Row>> byConfig = new LinkedHashMap<>();
    for (String[] fields : FlowTesting.csvRows("/spline_reference.csv")) {
      double[] v = Arrays.stream(fields).mapToDouble(Double::parseDouble).toArray();
      float[] params = new float[v.length - 10];
      for (int i = 0; i < params.length; i++) {
        params[i] = (float) v[10 + i];
      }
      List<Double> config = List.of(v[0], v[1], v[2], v[3], v[4]);
      byConfig
          .computeIfAbsent(config, k -> new ArrayList<>())
          .add(new Row(v[5], v[6], v[7], v[8], v[9], params));
    }
    return byConfig;
  }

  @Test
  void forwardAndInverseMatchNumpy() throws IOException {
    Map<List<Double>, List<Row>> byConfig = read();
    assertThat(byConfig.values().stream().mapToInt(List::size).sum()).isEqualTo(120);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (Map.Entry<List<Double>, List<Row>> e : byConfig.entrySet()) {
        List<Double> c = e.getKey();
        SplineTransform spline =
            new SplineTransform(c.get(0).intValue(), c.get(1), c.get(2), c.get(3), c.get(4));
        List<Row> rows = e.getValue();
        int n = rows.size();
        int p = spline.paramsPerFeature();
        float[] xs = new float[n];
        float[] ys = new float[n];
        float[] params = new float[n * p];
        for (int r = 0; r < n; r++) {
          Row row = rows.get(r);
          assertThat(row.params()).hasSize(p);
          xs[r] = (float) row.x();
          ys[r] = (float) row.y();
          System.arraycopy(row.params(), 0, params, r * p, p);
        }
        NDArray theta = m.create(params, new Shape(n, 1, p));
        Transformed fwd = spline.forward(m.create(xs, new Shape(n, 1)), theta);
        Transformed inv = spline.inverse(m.create(ys, new Shape(n, 1)), theta);
        float[] y = fwd.value().toFloatArray();
        float[] ld = fwd.logDet().toFloatArray();
        float[] x = inv.value().toFloatArray();
        float[] ldInv = inv.logDet().toFloatArray();
        float[] ldAtX = spline.forward(inv.value(), theta).logDet().toFloatArray();
        for (int r = 0; r < n; r++) {
          Row row = rows.get(r);
          String where = c + " row " + r + ": " + row;
          assertThat(FlowTesting.deviation(y[r], row.y())).as("y, %s", where).isLessThan(TOLERANCE);
          assertThat(FlowTesting.deviation(ld[r], row.logDet()))
              .as("log det, %s", where)
              .isLessThan(TOLERANCE);
          // An error e in y moves the inverse by e / slope: compare the backward error.
          double slope = row.slopeAtInverse();
          assertThat(FlowTesting.deviation(x[r], row.xInverse()) * Math.min(1, slope))
              .as("inverse times slope, %s", where)
              .isLessThan(TOLERANCE);
          assertThat(FlowTesting.deviation(-ldInv[r], ldAtX[r]))
              .as("inverse log det = -forward log det at the inverse, %s", where)
              .isLessThan(TOLERANCE);
          if (slope >= WELL_CONDITIONED) {
            assertThat(FlowTesting.deviation(ldInv[r], row.logDetInverse()))
                .as("inverse log det, %s", where)
                .isLessThan(INVERSE_LOG_DET_TOLERANCE);
          }
        }
      }
    }
  }
}
