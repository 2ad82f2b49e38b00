package org.cnflows.examples;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnflows.common.Json;
import org.cnflows.common.Provenance;
import org.cnflows.flows.Devices;
import org.cnflows.flows.EngineInfo;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.HiggsMlReader;
import org.cnflows.higgsml.HiggsMlSamples;
import org.cnflows.higgsml.analysis.EvaluationStage;
import org.cnflows.higgsml.analysis.HiggsMlAnalysis;
import org.cnflows.higgsml.analysis.HiggsMlPredictor;
import org.cnflows.higgsml.analysis.ScoreResponse;
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
      "Presets: smoke (CI: the pipeline's invariants at a tiny scale, not its physics), quick"
          + " (the README's main job, 1 fb^-1, meant for about 20 minutes on a quiet 2-core"
          + " machine), quick10 (quick's models at the challenge's 10 fb^-1, about 40 minutes on"
          + " one thread; reuses quick's trained stages in the same --out), paper (the paper's configuration at 10"
          + " fb^-1, for a GPU).",
      "Every stage is saved in --out with the hash of its settings: a rerun reuses what did not"
          + " change. 'higgsml predict' applies the saved analysis to one dataset."
    },
    subcommands = HiggsMlCommand.Predict.class)
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

  /** The DNN score above which {@link ScoreResponse} measures the systematics' effect. */
  static final double RESPONSE_THRESHOLD = 0.5;

  /** The presets. */
  enum Preset {
    smoke,
    quick,
    quick10,
    paper
  }

  @Option(
      names = "--preset",
      defaultValue = "quick",
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
      names = "--belt-check",
      description =
          "event-level pseudo-experiments per mu in the belt check, 0 to skip it (default: the"
              + " preset's)")
  Integer beltCheck;

  @Option(
      names = "--methods",
      defaultValue = "cnf-dnn,baseline,counting,one-syst",
      description =
          "comma-separated methods predicting the same pseudo-experiments: cnf-dnn (this"
              + " analysis, always run), baseline (the paper's MLE for mu only), counting and"
              + " one-syst (the challenge's starting kits on our no-CNF DNN), mle-nu (the paper's"
              + " MLE with nu, App. E: opt-in, its belt runs the whole method on event-level"
              + " pseudo-experiments); default ${DEFAULT-VALUE}")
  String methods;

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
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          err.println("higgsml: " + e.getMessage());
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws IOException {
    HiggsMlAnalysis.Config config = HiggsMlAnalysis.Config.preset(preset.name(), seed);
    if (sets != null || perSet != null) {
      config =
          config.withEvaluation(
              sets != null ? sets : config.evaluation().sets(),
              perSet != null ? perSet : config.evaluation().perSet());
    }
    if (luminosity != null) {
      config = config.withLuminosity(luminosity);
    }
    if (beltCheck != null) {
      config = config.withBeltCheckExperiments(beltCheck);
    }
    Device dev = Devices.resolve(device);
    console.printf(
        "cnflows higgsml, preset %s, seed %d, %s, device %s%n",
        preset, seed, EngineInfo.current(), dev);
    EventTable events = data == null ? null : readEvents(data);
    if (config.luminosity() < 10) {
      console.printf(
          Locale.ROOT,
          "note: %.2f fb^-1, not the challenge's 10: intervals are about %.1fx wider than at 10"
              + " fb^-1%n",
          config.luminosity(),
          Math.sqrt(10 / config.luminosity()));
    }
    HiggsMlAnalysis.Result result = HiggsMlAnalysis.run(config, events, dev, console, out, methods);
    console.println();
    console.print(result.markdown());
    write(result);
    console.printf(
        "results written to %s (results.md, results.csv, results.json, methods.csv)%n", out);
    try (HiggsMlPredictor analysis = HiggsMlPredictor.load(out, dev)) {
      EvaluationStage.Outcome first = result.outcomes().get(0);
      EventTable pe =
          HiggsMlAnalysis.experiments(config, events)
              .generate(first.trueMu(), first.nuisances(), first.seed())
              .events();
      double[] observed = analysis.templates().observed(pe, analysis.models());
      for (Path png : HiggsMlPlots.write(result, analysis, observed, out)) {
        console.println("plot: " + png);
      }
      // the systematics' effect on the analysis, synthetic (or the user's pool) against the real
      // 2025 sample, through the same trained models
      String response =
          ScoreResponse.markdown(
              data != null ? "this pool" : "synthetic",
              ScoreResponse.measure(
                  events != null ? events : HiggsMlAnalysis.templatePool(config),
                  analysis.models(),
                  RESPONSE_THRESHOLD),
              "2025 sample",
              ScoreResponse.measure(
                  HiggsMlSamples.fairUniverse2025(), analysis.models(), RESPONSE_THRESHOLD),
              RESPONSE_THRESHOLD);
      console.println();
      console.print(response);
      Files.writeString(out.resolve("response.md"), response);
    }
    return 0;
  }

  /** {@code higgsml predict}: the saved analysis applied to one dataset. */
  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      versionProvider = HiggsMlCommand.Version.class,
      description = {
        "Applies the analysis saved in --analysis to one dataset and prints mu-hat, p16, p84"
            + " (the challenge's predict()). The dataset's weights are event counts: a challenge"
            + " test file (2024 layout) or an unweighted 2025-format parquet."
      })
  static final class Predict implements Callable<Integer> {

    @CommandLine.ParentCommand HiggsMlCommand parent;

    @Option(
        names = "--analysis",
        defaultValue = "higgsml-out",
        description = "the directory of a finished run (default ${DEFAULT-VALUE})")
    Path analysis;

    @Option(
        names = "--device",
        defaultValue = "cpu",
        description = "cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
    String device;

    @CommandLine.Parameters(
        paramLabel = "DATA",
        description = "a 2025-format parquet, or a 2024-layout test directory or file")
    Path data;

    @Override
    public Integer call() throws IOException {
      EventTable events = readEvents(data);
      try (HiggsMlPredictor predictor = HiggsMlPredictor.load(analysis, Devices.resolve(device))) {
        HiggsMlPredictor.Prediction p = predictor.predict(events);
        parent.console.printf(
            Locale.ROOT,
            "mu_hat = %.4f, delta_mu_hat = %.4f, p16 = %.4f, p84 = %.4f (fit %s, belt %s, %.0f"
                + " events in jet categories 1 and >= 2)%n",
            p.muHat(),
            p.deltaMuHat(),
            p.p16(),
            p.p84(),
            p.fit(),
            p.belt(),
            p.events());
        if (p.events() > 2 * p.expectedEvents() || p.events() < 0.5 * p.expectedEvents()) {
          parent.console.printf(
              Locale.ROOT,
              "warning: the analysis expects about %.0f events at mu = 1 for its luminosity; this"
                  + " dataset has %.0f (its weights are read as event counts)%n",
              p.expectedEvents(),
              p.events());
        }
      }
      return 0;
    }
  }

  /** A 2025-format parquet, else a 2024-layout test set. */
  static EventTable readEvents(Path path) throws IOException {
    return path.toString().endsWith(".parquet")
        ? HiggsMlReader.readParquet(path)
        : HiggsMlReader.read2024Test(path).events();
  }

  private void write(HiggsMlAnalysis.Result result) throws IOException {
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.md"), result.markdown());
    Files.writeString(
        out.resolve("results.csv"), csv(result, List.of(HiggsMlPredictor.NAME), false));
    Files.writeString(
        out.resolve("methods.csv"),
        csv(result, List.copyOf(result.outcomes().get(0).predictions().keySet()), true));
    Json.write(out.resolve("results.json"), result);
  }

  /**
   * One CSV row per pseudo-experiment and method: set, true mu, events, fit status, mu-hat, p16,
   * p84, belt status ("none" where a method has no fit or belt) and coverage, led by the method's
   * name if {@code named}.
   */
  private static String csv(HiggsMlAnalysis.Result result, List<String> methods, boolean named) {
    StringBuilder csv =
        new StringBuilder(
            (named ? "method," : "") + "set,true_mu,events,fit,mu_hat,p16,p84,status,covers\n");
    for (String method : methods) {
      for (EvaluationStage.Outcome o : result.outcomes()) {
        HiggsMlPredictor.Prediction p = o.prediction(method);
        csv.append(named ? method + "," : "")
            .append(
                String.format(
                    Locale.ROOT,
                    "%d,%.6f,%d,%s,%.6f,%.6f,%.6f,%s,%b%n",
                    o.set(),
                    o.trueMu(),
                    o.events(),
                    p.fit() == null ? "none" : p.fit(),
                    p.muHat(),
                    p.p16(),
                    p.p84(),
                    p.belt() == null ? "none" : p.belt(),
                    o.covers(method)));
      }
    }
    return csv.toString();
  }
}
