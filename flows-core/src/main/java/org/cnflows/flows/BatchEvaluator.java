package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import org.cnflows.common.FeatureMatrix;

/**
 * The one batched evaluator of cnflows: evaluates any number of {@link EventFunction}s (flows,
 * classifiers, a conditional flow on a grid of contexts) on the same events. The events were
 * validated once when their {@link FeatureMatrix} was built; each chunk of rows is uploaded once,
 * every function is evaluated on it in one native scope (intermediates freed with the chunk), the
 * per-chunk results stay on the device, and all of them are read back to the host once at the end,
 * so there is no host synchronization per chunk.
 *
 * <p>Thread-safe if the models are not being trained.
 */
public final class BatchEvaluator {

  private final Device device;
  private final int batchSize;

  /**
   * @param device where the models' parameters live
   * @param batchSize rows per chunk, >= 1
   */
  public BatchEvaluator(Device device, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize = " + batchSize + " must be at least 1");
    }
    this.device = device;
    this.batchSize = batchSize;
  }

  /** Rows per chunk. */
  public int batchSize() {
    return batchSize;
  }

  /**
   * The value of every function for every event.
   *
   * @param events the rows (their features, context and categories reach the functions)
   * @param functions K functions
   * @return K columns of N values, in the order of the functions
   * @throws IllegalArgumentException if no function is given or one returns a wrong shape
   */
  public float[][] evaluate(FeatureMatrix events, List<? extends EventFunction> functions) {
    int k = functions.size();
    if (k == 0) {
      throw new IllegalArgumentException("no function to evaluate");
    }
    int n = events.size();
    int dim = events.dim();
    int cdim = events.contextDim();
    float[] flat;
    try (NDManager results = NDManager.newBaseManager(device)) {
      NDList parts = new NDList();
      for (int start = 0; start < n; start += batchSize) {
        int rows = Math.min(batchSize, n - start);
        try (NDManager chunk = results.newSubManager()) {
          NDArray x = upload(chunk, events.x(), start * dim, rows, dim);
          NDArray context =
              events.context() == null
                  ? null
                  : upload(chunk, events.context(), start * cdim, rows, cdim);
          NDArray categories = null;
          if (events.categories() != null) {
            int[] c = new int[rows];
            System.arraycopy(events.categories(), start, c, 0, rows);
            categories = chunk.create(c).toType(DataType.INT64, false);
          }
          Batch batch = new Batch(x, context, null, null, categories);
          NDList columns = new NDList(k);
          for (int j = 0; j < k; j++) {
            NDArray v = functions.get(j).apply(batch);
            if (v.getShape().size() != rows || v.getShape().dimension() > 2) {
              throw new IllegalArgumentException(
                  "function " + j + " returned shape " + v.getShape() + " for " + rows + " rows");
            }
            columns.add(v.reshape(rows).toType(DataType.FLOAT32, false));
          }
          NDArray stacked = NDArrays.stack(columns, 0);
          stacked.attach(results);
          parts.add(stacked);
        }
      }
      flat = NDArrays.concat(parts, 1).toFloatArray();
    }
    float[][] out = new float[k][n];
    for (int j = 0; j < k; j++) {
      System.arraycopy(flat, j * n, out[j], 0, n);
    }
    return out;
  }

  /**
   * {@link #evaluate} widened to double, the per-event arrays inference-stats takes (likelihoods,
   * scores); the one float-to-double conversion of the evaluation path.
   */
  public double[][] evaluateToDouble(
      FeatureMatrix events, List<? extends EventFunction> functions) {
    float[][] values = evaluate(events, functions);
    double[][] out = new double[values.length][];
    for (int j = 0; j < values.length; j++) {
      out[j] = new double[values[j].length];
      for (int i = 0; i < out[j].length; i++) {
        out[j][i] = values[j][i];
      }
    }
    return out;
  }

  private static NDArray upload(NDManager m, float[] values, int offset, int rows, int width) {
    return m.create(FloatBuffer.wrap(values, offset, rows * width), new Shape(rows, width));
  }
}
