package org.cnflows.flows;

import ai.djl.engine.Engine;

/**
 * Versions of the loaded deep-learning stack, for logs and provenance.
 *
 * @param djlVersion the DJL API version
 * @param engineName the engine's name ({@code PyTorch})
 * @param engineVersion the version of the native library (PyTorch)
 * @param gpuCount the number of GPUs the engine sees
 */
public record EngineInfo(String djlVersion, String engineName, String engineVersion, int gpuCount) {

  /** Loads the default engine (extracting its natives if needed) and reports its versions. */
  public static EngineInfo current() {
    Engine engine = Engine.getInstance();
    return new EngineInfo(
        Engine.getDjlVersion(), engine.getEngineName(), engine.getVersion(), engine.getGpuCount());
  }

  /** The engine as saved models record it: "DJL x, PyTorch y". */
  public String describe() {
    return "DJL " + djlVersion + ", " + engineName + " " + engineVersion;
  }

  @Override
  public String toString() {
    return "DJL " + djlVersion + ", " + engineName + " " + engineVersion + ", GPUs: " + gpuCount;
  }
}
