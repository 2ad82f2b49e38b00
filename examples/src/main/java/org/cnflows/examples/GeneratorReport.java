package org.cnflows.examples;

import java.io.PrintStream;
import java.util.Locale;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.GeneratorRealism;
import org.cnflows.higgsml.HiggsMlSamples;
import org.cnflows.higgsml.SyntheticGenerator;

/**
 * The synthetic generator's realism report against the real 2025 sample ({@link GeneratorRealism}),
 * the tables of the higgsml-adapter README: {@code generator-report [eventsPerProcess [seed]]}, by
 * default 500,000 events per process (2,000,000 in all) of seed 2024, 10 synthetic batches and 200
 * bootstrap replicas of the real sample.
 */
final class GeneratorReport {
  static final int DEFAULT_PER_PROCESS = 500_000;
  static final long DEFAULT_SEED = 2024;
  static final int BATCHES = 10;
  static final int REPLICAS = 200;
  static final long BOOTSTRAP_SEED = 1;

  private GeneratorReport() {}

  static int run(String[] args, PrintStream out) {
    int perProcess = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PER_PROCESS;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    long start = System.nanoTime();
    EventTable synthetic =
        SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(seed, perProcess));
    EventTable real = HiggsMlSamples.fairUniverse2025();
    GeneratorRealism.Report report =
        GeneratorRealism.compare(synthetic, real, BATCHES, REPLICAS, BOOTSTRAP_SEED);
    out.printf(
        Locale.ROOT,
        "Synthetic: %,d events (%,d per process, seed %d), errors from %d batches; real: the"
            + " %,d-event 2025 sample, errors from %d bootstrap replicas. Systematics at soft_met ="
            + " 0; responses from tes and jes shifted by +-%.0f%%.%n%n",
        report.syntheticEvents(),
        perProcess,
        seed,
        BATCHES,
        report.realEvents(),
        REPLICAS,
        100 * GeneratorRealism.SHIFT);
    out.print(report.figureTable());
    out.println();
    out.println(
        "Weighted KS distance of the nominal events (after the post-selection) to the 2025 sample,"
            + " with its 95% resolution in parentheses:");
    out.println();
    out.print(report.ksTable());
    out.printf(Locale.ROOT, "%n(%.0f s)%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
