package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Views of consecutive ranges along one axis, taken with one native split. DJL's string indices
 * ({@code x.get(":, 0:14")}) are parsed on every call and go through PyTorch's advanced-indexing
 * path, about five native calls per slice; the layers take their slices on every batch, so they use
 * these instead (issue 16).
 */
final class Slices {

  private Slices() {}

  /**
   * x split along an axis into consecutive views of the given widths: x[..., 0:w0, ...], x[...,
   * w0:w0+w1, ...], ...
   *
   * @param x the array
   * @param axis the axis to split
   * @param widths the widths of the views, each >= 1, summing to the axis's length
   */
  static NDList widths(NDArray x, int axis, long... widths) {
    long[] points = new long[widths.length - 1];
    long end = 0;
    for (int i = 0; i < points.length; i++) {
      end += widths[i];
      points[i] = end;
    }
    return x.split(points, axis);
  }

  /**
   * The P parameters of each feature as P views of shape (N, d), params[:, :, k] for k = 0..P-1.
   *
   * @param params a conditioner's output, shape (N, d, P)
   */
  static NDArray[] perFeature(NDArray params) {
    NDList parts = params.split(params.getShape().get(2), 2);
    NDArray[] columns = new NDArray[parts.size()];
    for (int k = 0; k < columns.length; k++) {
      columns[k] = parts.get(k).squeeze(2);
    }
    return columns;
  }
}
