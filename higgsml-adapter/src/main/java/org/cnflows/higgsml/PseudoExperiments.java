package org.cnflows.higgsml;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.random.RandomGenerator;
import org.cnflows.higgsml.internal.Poisson;

/**
 * Generates pseudo-experiments from weighted events (higgsml.md, "Pseudo-experiment"; arXiv
 * 2410.02867):
 *
 * <ol>
 *   <li>per event, expected count {@code = weight x norm} with {@code norm = mu} (htautau), {@code
 *       bkg_scale} (ztautau), {@code bkg_scale ttbar_scale} (ttbar), {@code bkg_scale
 *       diboson_scale} (diboson) ({@link NuisanceParameters#weightNorm});
 *   <li>a multiplicity ~ Poisson(expected count) per event; each event repeated that many times;
 *       the rows shuffled (Fisher-Yates);
 *   <li>{@link Systematics} (tes, jes, soft_met, post-selection, DER recomputation); the result is
 *       unweighted: every weight is 1.
 * </ol>
 *
 * Everything random comes from one {@link SplittableRandom} seeded by the caller's seed (in the
 * order multiplicities, shuffle, soft-MET noise), so a seed reproduces the experiment exactly. Work
 * per event uses only preallocated arrays. The source table is only read, so one instance serves
 * concurrent generations ({@link #generateAll}).
 */
public final class PseudoExperiments {
  /** Lower end of the signal-strength range of the challenge. */
  public static final double MU_MIN = 0.1;

  /** Upper end of the signal-strength range of the challenge. */
  public static final double MU_MAX = 3.0;

  /** The most events one pseudo-experiment can hold: the rows of one table (a Java array). */
  public static final int MAX_EVENTS = Integer.MAX_VALUE - 8;

  private final EventTable source;

  /**
   * @param source weighted events with the 16 PRI and 12 DER columns (for example a 2025-format
   *     file); not modified
   */
  public PseudoExperiments(EventTable source) {
    for (String c : Columns.FEATURES) {
      source.column(c);
    }
    this.source = source.project(Columns.FEATURES);
  }

  /** A signal strength drawn Uniform(0.1, 3), as the challenge draws mu per set of experiments. */
  public static double drawMu(RandomGenerator rng) {
    return MU_MIN + (MU_MAX - MU_MIN) * rng.nextDouble();
  }

  /** What to generate: signal strength, nuisance parameters and seed. */
  public record Request(double mu, NuisanceParameters nuisances, long seed) {}

  /**
   * One pseudo-experiment.
   *
   * @throws IllegalArgumentException naming the event whose expected count (weight x norm) is not
   *     finite and &gt;= 0, or when the expected total would not fit {@link #MAX_EVENTS}
   */
  public PseudoExperiment generate(double mu, NuisanceParameters nu, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = source.size();
    float[] weights = source.weights();
    byte[] processes = source.processes();
    double[] norm = new double[PhysicsProcess.values().length];
    for (PhysicsProcess p : PhysicsProcess.values()) {
      norm[p.ordinal()] = nu.weightNorm(p, mu);
    }
    checkExpected(weights, processes, norm, mu);
    int[] multiplicity = new int[n];
    long total = 0;
    long[] perProcess = new long[norm.length];
    for (int i = 0; i < n; i++) {
      int k = Poisson.sample(rng, weights[i] * norm[processes[i]]);
      multiplicity[i] = k;
      total += k;
      perProcess[processes[i]] += k;
    }
    if (total > MAX_EVENTS) {
      throw new IllegalArgumentException(
          total
              + " events drawn for mu = "
              + mu
              + ": more than one table holds ("
              + MAX_EVENTS
              + ")");
    }
    int[] rows = new int[(int) total];
    int at = 0;
    for (int i = 0; i < n; i++) {
      Arrays.fill(rows, at, at + multiplicity[i], i);
      at += multiplicity[i];
    }
    for (int i = rows.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = rows[i];
      rows[i] = rows[j];
      rows[j] = tmp;
    }
    SystematicsResult result = Systematics.applyInPlace(source.select(rows), nu, rng);
    Arrays.fill(result.events().weights(), 1f);
    Map<PhysicsProcess, Integer> generated = new EnumMap<>(PhysicsProcess.class);
    for (PhysicsProcess p : PhysicsProcess.values()) {
      if (perProcess[p.ordinal()] > 0) {
        generated.put(p, (int) perProcess[p.ordinal()]);
      }
    }
    return new PseudoExperiment(mu, nu, seed, generated, result.events(), result.postSelection());
  }

  /**
   * Requires every expected count weight x norm to be finite and &gt;= 0, and their sum to leave
   * room for Poisson fluctuations (10 sigma) within {@link #MAX_EVENTS}, naming the event that
   * expects the most.
   */
  private static void checkExpected(float[] weights, byte[] processes, double[] norm, double mu) {
    double sum = 0;
    int largest = 0;
    for (int i = 0; i < weights.length; i++) {
      double expected = weights[i] * norm[processes[i]];
      if (!(expected >= 0 && expected < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "event "
                + i
                + " ("
                + PhysicsProcess.values()[processes[i]]
                + ", weight "
                + weights[i]
                + ") expects "
                + expected
                + " events for mu = "
                + mu
                + ": not a finite count >= 0");
      }
      sum += expected;
      largest = expected > weights[largest] * norm[processes[largest]] ? i : largest;
    }
    if (sum + 10 * Math.sqrt(sum) > MAX_EVENTS) {
      throw new IllegalArgumentException(
          "the source expects "
              + sum
              + " events for mu = "
              + mu
              + ", more than one table holds ("
              + MAX_EVENTS
              + "); the most from event "
              + largest
              + " ("
              + PhysicsProcess.values()[processes[largest]]
              + ", weight "
              + weights[largest]
              + ")");
    }
  }

  /**
   * Several pseudo-experiments generated concurrently on {@code threads} threads; each result is
   * identical to {@link #generate} of its request.
   */
  public List<PseudoExperiment> generateAll(List<Request> requests, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads = " + threads + " must be >= 1");
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(
              () ->
                  requests.parallelStream()
                      .map(r -> generate(r.mu(), r.nuisances(), r.seed()))
                      .toList())
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating pseudo-experiments", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("pseudo-experiment generation failed", e.getCause());
    } finally {
      pool.shutdown();
    }
  }
}
