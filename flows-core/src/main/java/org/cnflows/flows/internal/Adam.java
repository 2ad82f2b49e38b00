package org.cnflows.flows.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1, with the bias corrections folded into the step size): m =
 * b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) +
 * eps). One fused native update per parameter; the moment buffers are allocated once, outside any
 * per-step scope.
 */
public final class Adam implements AutoCloseable {

  private final List<NDArray> weights;
  private final List<NDArray> means = new ArrayList<>();
  private final List<NDArray> variances = new ArrayList<>();
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private int t;

  /**
   * @param weights the trainable arrays, updated in place
   */
  public Adam(
      List<NDArray> weights, double learningRate, double beta1, double beta2, double epsilon) {
    this.weights = List.copyOf(weights);
    this.learningRate = (float) learningRate;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    for (NDArray w : this.weights) {
      NDArray m = w.zerosLike();
      NDArray v = w.zerosLike();
      ai.djl.ndarray.NDScope.unregister(m, v);
      means.add(m);
      variances.add(v);
    }
  }

  /**
   * Applies one step with the given gradients (same order as the weights).
   *
   * @param gradients one gradient per weight
   */
  public void step(List<NDArray> gradients) {
    step(gradients, learningRate);
  }

  /**
   * Applies one step with the given gradients and this step's base rate (a schedule's value).
   *
   * @param gradients one gradient per weight
   * @param learningRate lr of this step, before the bias correction
   */
  public void step(List<NDArray> gradients, double learningRate) {
    t++;
    float rate =
        (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
    for (int i = 0; i < weights.size(); i++) {
      NDArray w = weights.get(i);
      NDArray m = means.get(i);
      NDArray v = variances.get(i);
      w.getNDArrayInternal()
          .adamUpdate(
              new NDList(w, gradients.get(i), m, v),
              new NDList(w),
              rate,
              rate,
              0f,
              1f,
              -1f,
              beta1,
              beta2,
              epsilon,
              true,
              false);
    }
  }

  @Override
  public void close() {
    means.forEach(NDArray::close);
    variances.forEach(NDArray::close);
  }
}
