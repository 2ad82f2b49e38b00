package org.cnflows.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.GeneratorRealism;
import org.cnflows.higgsml.HiggsMlReader;
import org.cnflows.higgsml.HiggsMlSamples;
import org.cnflows.higgsml.SyntheticGenerator;

/**
 * The synthetic generator's realism report against the real 2025 sample ({@link GeneratorRealism}),
 * the tables of the higgsml-adapter README: {@code generator-report [eventsPerProcess [seed
 * [csv2014]]]}, by default 500,000 events per process (2,000,000 in all) of seed 2024, 10 synthetic
 * batches and 200 bootstrap replicas of the real sample; then the signal alone against the signal
 * of the repository's 2014 CSV ({@link GeneratorRealism#compareSignal}; default path {@value
 * #CSV_2014}, relative to the working directory, the repository's root), skipped with a message if
 * that file is not there.
 */
final class GeneratorReport {
  static final int DEFAULT_PER_PROCESS = 500_000;
  static final long DEFAULT_SEED = 2024;
  static final int BATCHES = 10;
  static final int REPLICAS = 200;
  static final long BOOTSTRAP_SEED = 1;
  static final String CSV_2014 =
      "data/atlas-higgs-2014/atlas-higgs-challenge-2014-v2-first22889.csv";

  private GeneratorReport() {}

  static int run(String[] args, PrintStream out) {
    int perProcess = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PER_PROCESS;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SEED;
    Path csv2014 = Path.of(args.length > 2 ? args[2] : CSV_2014);
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
    out.println();
    if (Files.isRegularFile(csv2014)) {
      GeneratorRealism.Report signal =
          GeneratorRealism.compareSignal(
              synthetic, HiggsMlReader.readCsv2014(csv2014), BATCHES, REPLICAS, BOOTSTRAP_SEED);
      out.printf(
          Locale.ROOT,
          "The signal alone: %,d synthetic signal events against the %,d signal events of %s"
              + " (2012 ATLAS simulation at 8 TeV, jets above 30 GeV; its kinematics differ from"
              + " 2025's, so no KS table), the same errors and targets:%n%n",
          signal.syntheticEvents(),
          signal.realEvents(),
          csv2014);
      out.print(signal.figureTable());
    } else {
      out.printf(
          "The signal against the 2014 sample is skipped: %s is not a file (run from the"
              + " repository's root or give the CSV's path as the third argument).%n",
          csv2014.toAbsolutePath());
    }
    out.printf(Locale.ROOT, "%n(%.0f s)%n", (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
