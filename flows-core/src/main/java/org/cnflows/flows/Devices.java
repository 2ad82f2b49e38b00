package org.cnflows.flows;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the compute device from an explicit specification or the system property {@value
 * #PROPERTY}.
 *
 * <p>Accepted specifications are {@code cpu}, {@code gpu} (the first GPU) and {@code gpu:N}. When
 * nothing is specified the CPU is used. A GPU that was asked for but does not exist is an error
 * ({@link DeviceUnavailableException}): cnflows never falls back to the CPU silently. Each distinct
 * device is logged once per JVM when it is first chosen.
 *
 * <p>Thread-safe.
 */
public final class Devices {

  /**
   * System property read by {@link #fromSystemProperty()}: {@code cpu}, {@code gpu}, {@code gpu:N}.
   */
  public static final String PROPERTY = "cnflows.device";

  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final Pattern SPEC = Pattern.compile("(cpu|gpu)(?::(\\d+))?");
  private static final Set<Device> LOGGED = ConcurrentHashMap.newKeySet();

  private Devices() {}

  /**
   * The device named by {@code cnflows.device}, or the CPU when the property is unset or blank.
   *
   * @throws IllegalArgumentException if the property is not a valid specification
   * @throws DeviceUnavailableException if it names a GPU this machine does not have
   */
  public static Device fromSystemProperty() {
    String spec = System.getProperty(PROPERTY);
    return spec == null || spec.isBlank() ? resolve("cpu") : resolve(spec);
  }

  /**
   * Resolves a device specification against the GPUs the PyTorch engine sees.
   *
   * @param spec {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive)
   * @return the device, after checking that it exists
   * @throws IllegalArgumentException if {@code spec} is not a valid specification
   * @throws DeviceUnavailableException if a GPU is asked for and the engine has no such GPU
   */
  public static Device resolve(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("device specification is null; use cpu, gpu or gpu:N");
    }
    Matcher m = SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "device specification '" + spec + "' is not one of cpu, gpu, gpu:N");
    }
    Device device;
    if (m.group(1).equals("cpu")) {
      if (m.group(2) != null) {
        throw new IllegalArgumentException(
            "device specification '" + spec + "': the CPU takes no index");
      }
      device = Device.cpu();
    } else {
      int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int gpus = Engine.getInstance().getGpuCount();
      if (index >= gpus) {
        throw new DeviceUnavailableException(
            "device '"
                + spec
                + "' was asked for but the "
                + Engine.getInstance().getEngineName()
                + " engine sees "
                + gpus
                + " GPU(s); install a CUDA build (Maven profile cu121) or choose cpu");
      }
      device = Device.gpu(index);
    }
    if (LOGGED.add(device)) {
      LOG.info(
          "cnflows device: {} (engine {} {})",
          device,
          Engine.getInstance().getEngineName(),
          Engine.getInstance().getVersion());
    }
    return device;
  }

  /** Thrown when a GPU is requested that the engine cannot provide. */
  public static final class DeviceUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    DeviceUnavailableException(String message) {
      super(message);
    }
  }
}
