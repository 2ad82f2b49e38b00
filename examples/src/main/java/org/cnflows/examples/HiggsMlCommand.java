package org.cnflows.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnflows.common.Json;
import org.cnflows.common.Provenance;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.HiggsMlReader;
import org.cnflows.higgsml.analysis.EvaluationStage;
import org.cnflows.higgsml.analysis.HiggsMlAnalysis;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cnflows-examples higgsml}: the CNF paper's HiggsML analysis from events to mu-hat with a
 * 68.27% interval per pseudo-experiment and the challenge's figures ({@link HiggsMlAnalysis}),
 * written to an output directory as Markdown, CSV and JSON.
 */
@Command(
    name = "higgsml",
    mixinStandardHelpOptions = true,
    versionProvider = HiggsMlCommand.Version.class,
    description = {
      "The CNF paper's HiggsML analysis (Elsharkawy and Kahn 2025, Sec. 6.2): CNFs per jet category,"
          + " a two-headed DNN on the features and the CNFs' log p, score templates on a (jes, tes)"
          + " grid, a Neyman belt, challenge-style pseudo-experiments -> mu-hat, p16, p84, coverage,"
          + " width, RMSE and the challenge score.",
      "Only the smoke preset exists so far: it checks the pipeline's invariants at a tiny scale,"
          + " not its physics."
    })
final class HiggsMlCommand implements Callable<Integer> {

  /** The cnflows, DJL and PyTorch versions for {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "cnflows " + Provenance.libraryVersion(), EngineInfo.current().toString()
      };
    }
  }

  /** The presets. */
  enum Preset {
    smoke
  }

  @Option(
      names = "--preset",
      defaultValue = "smoke",
      description = "settings of the run: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  Preset preset;

  @Option(
      names = "--data",
      description =
          "a 2025-format parquet whose events are the pool of every stage (weights = expected"
              + " events at 10 fb^-1); default: the synthetic generator")
  Path data;

  @Option(
      names = "--out",
      defaultValue = "higgsml-out",
      description = "output directory (default ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--sets", description = "test sets (one mu each; default: the preset's)")
  Integer sets;

  @Option(names = "--per-set", description = "pseudo-experiments per set (default: the preset's)")
  Integer perSet;

  @Option(
      names = "--luminosity",
      description = "fb^-1 of the pseudo-experiments (default: the preset's)")
  Double luminosity;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "master seed (default ${DEFAULT-VALUE})")
  long seed;

  private final PrintStream console;

  HiggsMlCommand(PrintStream console) {
    this.console = console;
  }

  /** Runs the command line; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new HiggsMlCommand(out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    HiggsMlAnalysis.Config config = HiggsMlAnalysis.Config.smoke(seed);
    if (sets != null || perSet != null) {
      config =
          config.withEvaluation(
              sets != null ? sets : config.evaluation().sets(),
              perSet != null ? perSet : config.evaluation().perSet());
    }
    if (luminosity != null) {
      config = config.withLuminosity(luminosity);
    }
    Device dev = Devices.resolve(device);
    console.printf(
        "cnflows higgsml, preset %s, seed %d, %s, device %s%n",
        preset, seed, EngineInfo.current(), dev);
    EventTable events = data == null ? null : HiggsMlReader.readParquet(data);
    HiggsMlAnalysis.Result result = HiggsMlAnalysis.run(config, events, dev, console);
    console.println();
    console.print(result.markdown());
    write(result);
    console.printf("results written to %s (results.md, results.csv, results.json)%n", out);
    return 0;
  }

  private void write(HiggsMlAnalysis.Result result) throws IOException {
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.md"), result.markdown());
    StringBuilder csv = new StringBuilder("set,true_mu,events,fit,mu_hat,p16,p84,status,covers\n");
    for (EvaluationStage.Outcome o : result.outcomes()) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%d,%.6f,%d,%s,%.6f,%.6f,%.6f,%s,%b%n",
              o.set(),
              o.trueMu(),
              o.events(),
              o.fit(),
              o.interval().estimate(),
              o.interval().lower(),
              o.interval().upper(),
              o.interval().status(),
              o.covers()));
    }
    Files.writeString(out.resolve("results.csv"), csv);
    Json.write(out.resolve("results.json"), result);
  }
}
