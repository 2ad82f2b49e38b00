package org.cnflows.stats.intervals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.cnflows.common.Seeds;
import org.cnflows.stats.internal.Checks;

/**
 * A Neyman confidence belt for mu built from toys (J. Neyman, Phil. Trans. R. Soc. A 236 (1937)
 * 333; PDG Review of Statistics, Sec. 40.4.2.1): for each mu on a grid, pseudo-experiments give the
 * distribution of the estimator mu-hat, and an acceptance interval [lo(mu), hi(mu)] holding a
 * fraction CL of it is chosen by
 *
 * <ul>
 *   <li>{@link Ordering#CENTRAL}: the (1 - CL)/2 and (1 + CL)/2 empirical quantiles;
 *   <li>{@link Ordering#LIKELIHOOD_RATIO}: Feldman and Cousins' ordering (Phys. Rev. D 57 (1998)
 *       3873, Eq. 4.1) applied to the estimator's distribution: with mu-hat histogrammed in common
 *       bins, R = f(bin|mu) / max_mu' f(bin|mu') (mu' over the grid, the physically allowed
 *       values); the interval grows from the most probable bin, adding whichever neighbour has the
 *       larger R, until it holds CL. For a unimodal R this is FC's ranking; growing a contiguous
 *       interval keeps sparse tail bins, whose R is noise, from entering early.
 * </ul>
 *
 * The confidence interval for an observed mu-hat is {mu : lo(mu) &lt;= mu-hat &lt;= hi(mu)}, its
 * ends interpolated linearly between grid points. Toy j at grid point i draws from a stream derived
 * from (seed, i, j), so the belt does not depend on the number of threads. Immutable.
 */
public final class NeymanBelt {

  /** How the acceptance interval at each mu is chosen. */
  public enum Ordering {
    /** Equal tails. */
    CENTRAL,
    /** Feldman-Cousins likelihood-ratio ordering on the binned estimator distribution. */
    LIKELIHOOD_RATIO
  }

  /** Generates one pseudo-experiment at {@code mu} with {@code rng} and returns its mu-hat. */
  @FunctionalInterface
  public interface Estimator {
    /** mu-hat of a pseudo-experiment drawn at the true {@code mu}. */
    double estimate(double mu, RandomGenerator rng);
  }

  /**
   * The settings of a belt.
   *
   * @param muGrid the true values, increasing
   * @param toys pseudo-experiments per grid point
   * @param cl the confidence level, in (0, 1)
   * @param ordering how acceptance intervals are chosen
   * @param bins histogram bins of mu-hat for the likelihood-ratio ordering
   * @param seed the master seed
   * @param threads worker threads for the toys
   */
  public record Config(
      double[] muGrid, int toys, double cl, Ordering ordering, int bins, long seed, int threads) {

    /** Validates. */
    public Config {
      muGrid = Checks.increasing("muGrid", muGrid, 2).clone();
      Checks.positive("toys", toys);
      Checks.confidenceLevel(cl);
      Checks.positive("bins", bins);
      Checks.positive("threads", threads);
    }

    @Override
    public double[] muGrid() {
      return muGrid.clone();
    }
  }

  private final double[] mu;
  private final double[] lo;
  private final double[] hi;
  private final Map<String, String> metadata;

  private NeymanBelt(double[] mu, double[] lo, double[] hi, Map<String, String> metadata) {
    this.mu = mu;
    this.lo = lo;
    this.hi = hi;
    this.metadata = Map.copyOf(metadata);
  }

  /** Runs the toys and builds the belt. */
  public static NeymanBelt build(Config config, Estimator estimator) {
    double[][] toys = toyEstimates(config, estimator);
    double[] grid = config.muGrid();
    int n = grid.length;
    double[] lo = new double[n];
    double[] hi = new double[n];
    if (config.ordering() == Ordering.CENTRAL) {
      for (int i = 0; i < n; i++) {
        double[] s = toys[i].clone();
        Arrays.sort(s);
        lo[i] = quantile(s, (1 - config.cl()) / 2);
        hi[i] = quantile(s, (1 + config.cl()) / 2);
      }
    } else {
      likelihoodRatioBelt(toys, config, lo, hi);
    }
    Map<String, String> meta = new HashMap<>();
    meta.put("cl", Double.toString(config.cl()));
    meta.put("ordering", config.ordering().name());
    meta.put("toys", Integer.toString(config.toys()));
    meta.put("seed", Long.toString(config.seed()));
    return new NeymanBelt(grid, lo, hi, meta);
  }

  /** The estimates of every toy, {@code [grid index][toy index]}, computed in parallel. */
  public static double[][] toyEstimates(Config config, Estimator estimator) {
    double[] grid = config.muGrid();
    int t = config.toys();
    double[][] out = new double[grid.length][t];
    ForkJoinPool pool = new ForkJoinPool(config.threads());
    try {
      pool.submit(
              () ->
                  IntStream.range(0, grid.length * t)
                      .parallel()
                      .forEach(
                          k -> {
                            int i = k / t;
                            int j = k % t;
                            double e = estimator.estimate(grid[i], Seeds.rng(config.seed(), i, j));
                            if (!Double.isFinite(e)) {
                              throw new IllegalArgumentException(
                                  "estimator returned "
                                      + e
                                      + " for toy "
                                      + j
                                      + " at mu = "
                                      + grid[i]);
                            }
                            out[i][j] = e;
                          }))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running toys", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
    return out;
  }

  /** The grid of true values. */
  public double[] muGrid() {
    return mu.clone();
  }

  /** lo(mu) at each grid point. */
  public double[] lower() {
    return lo.clone();
  }

  /** hi(mu) at each grid point. */
  public double[] upper() {
    return hi.clone();
  }

  /** cl, ordering, toys and seed of the construction. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The confidence interval {mu : lo(mu) &lt;= muHat &lt;= hi(mu)} with ends interpolated between
   * grid points; an end at the first or last grid point is flagged.
   *
   * @throws IllegalArgumentException when no grid point accepts {@code muHat}
   */
  public Interval invert(double muHat) {
    Checks.finite("muHat", muHat);
    int first = -1;
    int last = -1;
    for (int i = 0; i < mu.length; i++) {
      if (lo[i] <= muHat && muHat <= hi[i]) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    if (first < 0) {
      throw new IllegalArgumentException(
          "muHat = "
              + muHat
              + " outside the belt: no mu in ["
              + mu[0]
              + ", "
              + mu[mu.length - 1]
              + "] accepts it");
    }
    double lower = first == 0 ? mu[0] : crossing(first - 1, first, hi, muHat);
    double upper = last == mu.length - 1 ? mu[last] : crossing(last, last + 1, lo, muHat);
    return new Interval(muHat, lower, upper, first == 0, last == mu.length - 1);
  }

  /** Writes the belt as CSV with the metadata in leading '#' lines. */
  public void save(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# cnflows Neyman belt");
    metadata.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> lines.add("# " + e.getKey() + "=" + e.getValue()));
    lines.add("mu,lower,upper");
    for (int i = 0; i < mu.length; i++) {
      lines.add(mu[i] + "," + lo[i] + "," + hi[i]);
    }
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** Reads a belt written by {@link #save}. */
  public static NeymanBelt load(Path file) throws IOException {
    Map<String, String> meta = new HashMap<>();
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("# ") && line.contains("=")) {
        String kv = line.substring(2);
        meta.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      } else if (!line.startsWith("#") && !line.startsWith("mu,") && !line.isBlank()) {
        String[] f = line.split(",");
        if (f.length != 3) {
          throw new IllegalArgumentException("belt line '" + line + "' does not hold 3 values");
        }
        rows.add(
            new double[] {
              Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
            });
      }
    }
    double[] m = rows.stream().mapToDouble(r -> r[0]).toArray();
    Checks.increasing("belt mu", m, 2);
    return new NeymanBelt(
        m,
        rows.stream().mapToDouble(r -> r[1]).toArray(),
        rows.stream().mapToDouble(r -> r[2]).toArray(),
        meta);
  }

  /** mu where edge(mu) = x, linear between grid points a and b. */
  private double crossing(int a, int b, double[] edge, double x) {
    double d = edge[b] - edge[a];
    double t = d == 0 ? 0.5 : Math.min(Math.max((x - edge[a]) / d, 0), 1);
    return mu[a] + t * (mu[b] - mu[a]);
  }

  private static double quantile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(i + 1, sorted.length - 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }

  private static void likelihoodRatioBelt(
      double[][] toys, Config config, double[] lo, double[] hi) {
    double min = Arrays.stream(toys).flatMapToDouble(Arrays::stream).min().orElseThrow();
    double max = Arrays.stream(toys).flatMapToDouble(Arrays::stream).max().orElseThrow();
    int nb = config.bins();
    double width = max > min ? (max - min) / nb : 1;
    double[][] f = new double[toys.length][nb];
    for (int i = 0; i < toys.length; i++) {
      for (double e : toys[i]) {
        f[i][Math.min((int) ((e - min) / width), nb - 1)] += 1.0 / toys[i].length;
      }
    }
    double[] best = new double[nb];
    for (double[] fi : f) {
      for (int b = 0; b < nb; b++) {
        best[b] = Math.max(best[b], fi[b]);
      }
    }
    for (int i = 0; i < toys.length; i++) {
      double[] fi = f[i];
      int bLo = 0;
      for (int b = 1; b < nb; b++) {
        bLo = fi[b] > fi[bLo] ? b : bLo;
      }
      int bHi = bLo;
      double sum = fi[bLo];
      while (sum < config.cl() - 1e-12 && (bLo > 0 || bHi < nb - 1)) {
        double left = bLo > 0 ? ratio(fi[bLo - 1], best[bLo - 1]) : -1;
        double right = bHi < nb - 1 ? ratio(fi[bHi + 1], best[bHi + 1]) : -1;
        sum += left >= right ? fi[--bLo] : fi[++bHi];
      }
      lo[i] = min + bLo * width;
      hi[i] = min + (bHi + 1) * width;
    }
  }

  private static double ratio(double f, double best) {
    return best > 0 ? f / best : 0;
  }
}
