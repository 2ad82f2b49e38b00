package org.cnflows.contrastive;

import org.junit.jupiter.api.extension.Extension;

/**
 * Runs the PyTorch engine on one intra-op and one inter-op thread in this module's tests (unless
 * set otherwise on the command line). On the two shared cores of the build machine, OpenMP threads
 * spinning against other processes made training steps about 100 times slower. Registered through
 * {@code META-INF/services}, so the properties are set before the engine loads.
 */
public final class SingleThreadedEngine implements Extension {

  static {
    setIfAbsent("ai.djl.pytorch.num_threads");
    setIfAbsent("ai.djl.pytorch.num_interop_threads");
  }

  private static void setIfAbsent(String key) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, "1");
    }
  }
}
