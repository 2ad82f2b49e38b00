package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Arithmetic with a constant, through one cached scalar tensor per device, data type and value.
 *
 * <p>On the PyTorch engine, DJL's {@code add(Number)}, {@code mul(Number)}, {@code gt(Number)} and
 * the like wrap the constant in a temporary tensor created from a Java buffer (a direct-buffer
 * allocation and a copy, ~15 us per operation, measured) and close it as soon as the operation
 * returns. For {@code mul}, {@code div}, {@code pow}, {@code maximum} and {@code minimum}, autograd
 * has saved that tensor for the backward pass, whose gradient then reads released memory (measured:
 * 2-5 corrupted gradients in 300 backward passes under allocation churn, none for {@code add},
 * {@code sub} and {@code clip}, whose backward needs no constant): training showed it as NaN
 * gradients at random steps. Here each constant is filled natively ({@code full}) once, in a
 * manager of its own that is never closed, and kept out of any {@link NDScope}: it outlives every
 * backward pass, and an operation with it is one native call. Results belong to the manager of the
 * array operand, as for DJL's own operations.
 *
 * <p>The value is rounded to float32 as DJL's operations on float32 arrays round it, so results are
 * those of {@code x.mul(c)}, {@code x.add(c)}, ... bit for bit.
 */
public final class Scalars {

  private Scalars() {}

  private record Key(Device device, DataType type, float value) {}

  private static final Map<Key, NDArray> CONSTANTS = new ConcurrentHashMap<>();
  private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

  /**
   * The scalar c on the device and in the data type of {@code like}, for an operation of an array
   * with a constant ({@code x.add(Scalars.of(x, c))}, {@code x.gt(Scalars.of(x, c))}); the array is
   * shared and must not be closed. Each distinct value stays cached for the life of the JVM, so c
   * is meant to be a configuration constant, not data.
   */
  public static NDArray of(NDArray like, double c) {
    Key key = new Key(like.getDevice(), like.getDataType(), (float) c);
    NDArray cached = CONSTANTS.get(key);
    return cached != null ? cached : CONSTANTS.computeIfAbsent(key, k -> create(like, k));
  }

  private static NDArray create(NDArray like, Key key) {
    NDManager manager =
        MANAGERS.computeIfAbsent(
            key.device(),
            d -> NDManager.newBaseManager(d, like.getManager().getEngine().getEngineName()));
    NDArray constant = manager.full(new Shape(), key.value(), key.type());
    NDScope.unregister(constant);
    return constant;
  }

  /** x * c. */
  public static NDArray times(NDArray x, double c) {
    return x.mul(of(x, c));
  }

  /** x / c. */
  public static NDArray over(NDArray x, double c) {
    return x.div(of(x, c));
  }

  /** max(x, c) elementwise. */
  public static NDArray atLeast(NDArray x, double c) {
    return x.maximum(of(x, c));
  }
}
