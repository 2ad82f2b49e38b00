package org.cnflows.bench.higgsml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.cnflows.higgsml.Columns;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.HiggsMlReader;
import org.cnflows.higgsml.NuisanceParameters;
import org.cnflows.higgsml.PseudoExperiments;
import org.cnflows.higgsml.Systematics;
import org.cnflows.higgsml.SystematicsResult;

/**
 * Measures, single-threaded, the events per second of {@link Systematics#applyInPlace} (tes, jes,
 * soft_met, rounding, post-selection, recomputation of all DER features, weight norms) on 1,050,000
 * events made by tiling the real 1000-event 2025 sample, and the rate of full-scale
 * pseudo-experiments (about 1.05 M events each) on 1 and 2 threads. The numpy counterpart is {@code
 * benchmarks/scripts/higgsml/systematics_numpy.py}, fed with the same sample exported as CSV.
 *
 * <p>Usage: {@code SystematicsThroughput <FAIR_Universe_HiggsML_data.parquet> [export.csv]}.
 */
public final class SystematicsThroughput {
  private static final int EVENTS = 1_050_000;
  private static final int WARMUP = 3;
  private static final int MEASURED = 7;
  private static final NuisanceParameters NU = new NuisanceParameters(1.02, 0.98, 1.0, 1, 1, 1);

  private SystematicsThroughput() {}

  public static void main(String[] args) throws IOException {
    EventTable sample = HiggsMlReader.readParquet(Path.of(args[0]));
    if (args.length > 1) {
      exportCsv(sample, Path.of(args[1]));
    }
    EventTable events =
        sample.select(IntStream.range(0, EVENTS).map(i -> i % sample.size()).toArray());
    List<Double> rates = new ArrayList<>();
    int kept = 0;
    for (int it = 0; it < WARMUP + MEASURED; it++) {
      EventTable scratch = events.copy();
      long t0 = System.nanoTime();
      SystematicsResult r = Systematics.applyInPlace(scratch, NU, new SplittableRandom(it));
      double seconds = (System.nanoTime() - t0) / 1e9;
      kept = r.events().size();
      if (it >= WARMUP) {
        rates.add(EVENTS / seconds);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "systematics + post-selection + DER, 1 thread: median %.3g events/s (min %.3g, max %.3g)"
            + " over %d runs of %d events (%d kept)%n",
        median(rates),
        rates.stream().mapToDouble(d -> d).min().orElseThrow(),
        rates.stream().mapToDouble(d -> d).max().orElseThrow(),
        MEASURED,
        EVENTS,
        kept);

    PseudoExperiments gen = new PseudoExperiments(sample);
    gen.generate(1.0, NU, 0);
    for (int threads : new int[] {1, 2}) {
      int n = 6;
      List<PseudoExperiments.Request> requests =
          IntStream.range(0, n).mapToObj(s -> new PseudoExperiments.Request(1.0, NU, s)).toList();
      long t0 = System.nanoTime();
      long events1 =
          gen.generateAll(requests, threads).stream()
              .mapToLong(p -> p.postSelection().input())
              .sum();
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "pseudo-experiments at mu = 1, %d thread(s): %.2f experiments/s (%.3g generated events/s)%n",
          threads,
          n / seconds,
          events1 / seconds);
    }
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
    return v[v.length / 2];
  }

  /** The sample's PRI columns and process labels as CSV, for the numpy counterpart. */
  private static void exportCsv(EventTable t, Path csv) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", Columns.PRI) + ",weights,detailed_labels");
    for (int i = 0; i < t.size(); i++) {
      int row = i;
      lines.add(
          Columns.PRI.stream()
                  .map(c -> Float.toString(t.column(c)[row]))
                  .collect(Collectors.joining(","))
              + ","
              + t.weights()[i]
              + ","
              + t.process(i).label());
    }
    Files.write(csv, lines);
    System.out.println("wrote " + csv + " (" + t.size() + " events)");
  }
}
