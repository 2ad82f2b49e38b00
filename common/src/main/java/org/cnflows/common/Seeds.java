package org.cnflows.common;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The one seed scheme of cnflows: independent random streams derived from a master seed and indices
 * with the SplitMix64 finalizer (Steele, Lea and Flood, OOPSLA 2014), so that a stream depends only
 * on (seed, indices) and never on thread scheduling or on how many other streams were drawn. Every
 * module draws from {@link SplittableRandom} (a {@link java.util.random.RandomGenerator}) seeded
 * here.
 */
public final class Seeds {

  private Seeds() {}

  /** A seed that mixes {@code master} with each index in turn. */
  public static long derive(long master, long... indices) {
    long h = mix(master);
    for (long i : indices) {
      h = mix(h ^ mix(i + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** A generator seeded with {@link #derive}. */
  public static SplittableRandom rng(long master, long... indices) {
    return new SplittableRandom(derive(master, indices));
  }

  /** 0..n-1 in a uniformly random order (Fisher-Yates), drawn from {@code random}. */
  public static int[] shuffled(int n, RandomGenerator random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
