package org.cnflows.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnflows.flows.Devices;
import org.cnflows.flows.LearningRateSchedule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cnflows-examples t4}: toy T4 end to end ({@link T4Study}), and its subcommands {@code
 * toys} (pull distributions) and {@code kinematics} (the bias of the learned kinematics). The
 * device is {@code -Dcnflows.device}.
 */
@Command(
    name = "t4",
    mixinStandardHelpOptions = true,
    versionProvider = HiggsMlCommand.Version.class,
    description = {
      "Toy T4 (Valsecchi, Donega and Wallny, arXiv 2602.13184): nominal flows and factorizable"
          + " residuals trained on simulation, the deformation checked against the closed form,"
          + " the DOI fit (step 1) and the amortized profiling (step 2) on distorted data, profile"
          + " scans, pulls, impacts and a Poisson bootstrap, beside the true likelihood of the"
          + " same data; plots in --plots.",
      "'t4 toys' gives pull distributions over toy data sets, 't4 kinematics' the bias of the"
          + " learned kinematics alone. The device is -Dcnflows.device=cpu|gpu|gpu:N."
    },
    subcommands = {T4Command.Toys.class, T4Command.Kinematics.class})
final class T4Command implements Callable<Integer> {

  /** The options of the simulation every t4 command trains, defaults set per command. */
  static final class Simulation {

    /** The command this is mixed into, for its usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
        names = "--nominal",
        paramLabel = "N",
        description = "simulated events at nu = 0 for the nominal flows (default ${DEFAULT-VALUE})")
    int nominal;

    @Option(
        names = "--template",
        paramLabel = "N",
        description =
            "events per template (4 with one nuisance at +-1, 4 more at the corners; default"
                + " ${DEFAULT-VALUE})")
    int template;

    @Option(
        names = "--data-events",
        paramLabel = "N",
        description = "events of each data set at the reference nu (default ${DEFAULT-VALUE})")
    int dataEvents;

    @Option(
        names = "--flow-steps",
        paramLabel = "N",
        description = "Adam steps per nominal flow (default ${DEFAULT-VALUE})")
    int flowSteps;

    @Option(
        names = "--residual-steps",
        paramLabel = "N",
        description = "Adam steps per residual (default ${DEFAULT-VALUE})")
    int residualSteps;

    @Option(
        names = "--flow-average",
        paramLabel = "F",
        description =
            "share of the last steps of each simulation flow's training (nominal flows and"
                + " residuals) whose parameters it ends with the mean of, in [0, 1); 0 ends on the"
                + " last step (default ${DEFAULT-VALUE})")
    double flowAverage = 0;

    @Option(
        names = "--flow-finish",
        paramLabel = "N",
        description =
            "steps of up to 65,536 rows from a step size of 3e-5 that end each simulation flow's"
                + " training, so that its parameters end at the minimum of the whole sample's loss"
                + " and not where the last small batches left them; 0 for none (default"
                + " ${DEFAULT-VALUE})")
    int flowFinish = 0;

    @Option(
        names = "--seed",
        paramLabel = "S",
        description = "master seed (default ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(
        names = "--axes-only",
        description =
            "train the residuals on the 4 one-nuisance templates only, without the 4 corners"
                + " (default: with the corners, so the cross terms are learned)")
    boolean axesOnly;

    @Option(
        names = "--constant-rate",
        description = "a constant step size in every training (default: cosine annealing to zero)")
    boolean constantRate;

    @Option(
        names = "--simulation-dir",
        paramLabel = "DIR",
        description =
            "keep the trained simulation (nominal flows and residuals) in DIR: loaded if DIR holds"
                + " one trained with the same simulation options, seed and batch, an error if"
                + " with others, else trained and saved there (default: trained every run, not"
                + " kept)")
    Path simulationDir;

    /** A usage error of the command naming the option and its value if it is not in [0, 1). */
    void share(String option, double value) {
      if (!(value >= 0 && value < 1)) {
        throw new ParameterException(
            command.commandLine(),
            "Invalid value for option '" + option + "': " + value + " (must be in [0, 1))");
      }
    }

    /** A usage error of the command naming the option and its value if it is below {@code min}. */
    void atLeast(String option, int value, int min) {
      if (value < min) {
        throw new ParameterException(
            command.commandLine(),
            "Invalid value for option '" + option + "': " + value + " (must be >= " + min + ")");
      }
    }

    Simulation(int nominal, int template, int dataEvents, int flowSteps, int residualSteps) {
      this.nominal = nominal;
      this.template = template;
      this.dataEvents = dataEvents;
      this.flowSteps = flowSteps;
      this.residualSteps = residualSteps;
    }

    /**
     * The settings of a study on this simulation, its options checked; the other arguments as in
     * {@link T4Study.Settings}.
     *
     * @param fitting the DOI and profiling steps and where step 1 starts
     */
    T4Study.Settings settings(
        Fitting fitting,
        int batchSize,
        int newtonSteps,
        int scanPoints,
        int refitSteps,
        int bootstrapMembers,
        int bootstrapSteps) {
      atLeast("--nominal", nominal, 10);
      atLeast("--template", template, 10);
      atLeast("--data-events", dataEvents, 10);
      atLeast("--flow-steps", flowSteps, 1);
      atLeast("--residual-steps", residualSteps, 1);
      atLeast("--doi-steps", fitting.doiSteps, 1);
      atLeast("--profile-steps", fitting.profileSteps, 1);
      atLeast("--doi-warmup", fitting.doiWarmup, 0);
      atLeast("--profile-repeats", fitting.profileRepeats, 1);
      share("--flow-average", flowAverage);
      atLeast("--flow-finish", flowFinish, 0);
      share("--profile-average", fitting.profileAverage);
      if (!(fitting.profileWidth > 0) || Double.isInfinite(fitting.profileWidth)) {
        throw new ParameterException(
            command.commandLine(),
            "Invalid value for option '--profile-width': "
                + fitting.profileWidth
                + " (must be finite and > 0)");
      }
      return new T4Study.Settings(
          nominal,
          template,
          dataEvents,
          flowSteps,
          residualSteps,
          flowAverage,
          flowFinish,
          fitting.doiSteps,
          fitting.doiWarmup,
          fitting.profileSteps,
          fitting.profileAverage,
          fitting.profileRepeats,
          !fitting.profileFromFrozen,
          fitting.profileWidth,
          fitting.refineDoi,
          batchSize,
          newtonSteps,
          scanPoints,
          refitSteps,
          bootstrapMembers,
          bootstrapSteps,
          !axesOnly,
          !fitting.startAtZero,
          constantRate ? LearningRateSchedule.CONSTANT : LearningRateSchedule.COSINE,
          seed,
          simulationDir);
    }
  }

  /** The options of the DOI fit (step 1) and the amortized profiling (step 2). */
  static final class Fitting {

    @Option(
        names = "--doi-steps",
        paramLabel = "N",
        description =
            "Adam steps of the joint fit of T, nu and the fractions (step 1; default"
                + " ${DEFAULT-VALUE})")
    int doiSteps;

    @Option(
        names = "--doi-warmup",
        paramLabel = "N",
        description =
            "Adam steps of T and the fractions with nu held at its start, before step 1's joint"
                + " fit (default ${DEFAULT-VALUE})")
    int doiWarmup;

    @Option(
        names = "--profile-steps",
        paramLabel = "N",
        description =
            "Adam steps of the amortized profiling (step 2) on the Gauss-Legendre grid (default"
                + " ${DEFAULT-VALUE})")
    int profileSteps;

    @Option(
        names = "--profile-average",
        paramLabel = "F",
        description =
            "share of the last steps of step 2 (and of the bootstrap members' refits) whose"
                + " parameters the profiling flow ends with the mean of, in [0, 1); 0 ends on the"
                + " last step (default ${DEFAULT-VALUE})")
    double profileAverage = 0;

    @Option(
        names = "--profile-repeats",
        paramLabel = "K",
        description =
            "trainings of step 2 with other seeds: the amortized likelihood is the mean of the K,"
                + " and the spread of their minima (the training's noise) is printed (default"
                + " ${DEFAULT-VALUE})")
    int profileRepeats = 1;

    @Option(
        names = "--profile-from-frozen",
        description =
            "start step 2 from T frozen, its profiling flow the identity (default: from the"
                + " closed form, T transported along the y residual from where step 1 fitted it)")
    boolean profileFromFrozen;

    @Option(
        names = "--profile-width",
        paramLabel = "W",
        description =
            "half-width of step 2's Gauss-Legendre region of nu, in sigmas of the T-frozen fit"
                + " (default ${DEFAULT-VALUE})")
    double profileWidth;

    @Option(
        names = "--refine-doi",
        negatable = true,
        fallbackValue = "true",
        description =
            "train T with the profiling flow in step 2 (and in the bootstrap members' refits of"
                + " step 2); --no-refine-doi keeps T frozen as step 1 fitted it (default"
                + " ${DEFAULT-VALUE})")
    boolean refineDoi;

    @Option(
        names = "--start-at-zero",
        description =
            "start step 1 at nu = 0 (default: at the fit of the learned kinematics alone)")
    boolean startAtZero;

    Fitting(int doiSteps, int doiWarmup, int profileSteps, double profileWidth, boolean refineDoi) {
      this.doiSteps = doiSteps;
      this.doiWarmup = doiWarmup;
      this.profileSteps = profileSteps;
      this.profileWidth = profileWidth;
      this.refineDoi = refineDoi;
    }
  }

  @Mixin Simulation simulation = new Simulation(1_000_000, 250_000, 100_000, 10_000, 8000);

  @Mixin Fitting fitting = new Fitting(4800, 1200, 6000, 12, true);

  @Option(
      names = "--plots",
      paramLabel = "DIR",
      defaultValue = "t4-plots",
      description = "directory of the plots (default ${DEFAULT-VALUE})")
  Path plots;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "1024",
      description = "events per Adam step of every stage (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--bootstrap",
      paramLabel = "N",
      defaultValue = "8",
      description = "Poisson-bootstrap members, 0 for none (default ${DEFAULT-VALUE})")
  int bootstrap;

  @Option(
      names = "--bootstrap-steps",
      paramLabel = "N",
      defaultValue = "300",
      description =
          "Adam steps of each bootstrap member's refits of T and of the profiling flow from the"
              + " data's (default ${DEFAULT-VALUE})")
  int bootstrapSteps;

  @Option(
      names = "--refit-steps",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Adam steps of each explicit refit of T, the fractions and the other nuisance at every"
              + " scan point, one nuisance held there: the profile over the DOI that the amortized"
              + " likelihood stands for, scanned beside it; 0 for none (default ${DEFAULT-VALUE})")
  int refitSteps;

  private final PrintStream console;

  T4Command(PrintStream console) {
    this.console = console;
  }

  /** Runs the command line; returns the exit code (2 for a usage error). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  private static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new T4Command(out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          err.println("t4: " + e.getMessage());
          return 1;
        });
    return cli;
  }

  /**
   * The command a command line selects, its options parsed but nothing run.
   *
   * @param type the command's class: {@link T4Command}, {@link Toys} or {@link Kinematics}
   */
  static <T> T parse(Class<T> type, String... args) {
    PrintStream none = new PrintStream(OutputStream.nullOutputStream());
    CommandLine.ParseResult parsed = commandLine(none, none).parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    return type.cast(parsed.commandSpec().userObject());
  }

  /** The settings of the study, the options checked. */
  T4Study.Settings settings() {
    simulation.atLeast("--batch", batch, 2);
    simulation.atLeast("--bootstrap", bootstrap, 0);
    simulation.atLeast("--bootstrap-steps", bootstrapSteps, 1);
    simulation.atLeast("--refit-steps", refitSteps, 0);
    return simulation.settings(fitting, batch, 2, 9, refitSteps, bootstrap, bootstrapSteps);
  }

  @Override
  public Integer call() {
    T4Study.Report r = T4Study.study(settings(), Devices.fromSystemProperty(), plots, console);
    T4Study.print(r, console);
    return 0;
  }

  /** {@code t4 toys}: the pull distribution of every fit over toy data sets, one simulation. */
  @Command(
      name = "toys",
      mixinStandardHelpOptions = true,
      versionProvider = HiggsMlCommand.Version.class,
      description = {
        "The pull distribution of every fit over toy data sets at the reference nu, with one"
            + " trained simulation (batch 256, no bootstrap)."
      })
  static final class Toys implements Callable<Integer> {

    @ParentCommand T4Command parent;

    @Mixin Simulation simulation = new Simulation(200_000, 50_000, 2000, 4000, 3000);

    @Mixin Fitting fitting = new Fitting(300, 300, 1500, 12, true);

    @Option(
        names = "--count",
        paramLabel = "N",
        defaultValue = "20",
        description = "toy data sets, at least 2 for a spread (default ${DEFAULT-VALUE})")
    int count;

    /** The settings of the study, the options checked. */
    T4Study.Settings settings() {
      simulation.atLeast("--count", count, 2);
      return simulation.settings(fitting, 256, 2, 3, 0, 0, 1);
    }

    @Override
    public Integer call() {
      T4Study.Toys t =
          T4Study.toys(settings(), count, Devices.fromSystemProperty(), parent.console);
      T4Study.printToys(t, parent.console);
      return 0;
    }
  }

  /** {@code t4 kinematics}: the learned p(x | c, nu) alone against the truth. */
  @Command(
      name = "kinematics",
      mixinStandardHelpOptions = true,
      versionProvider = HiggsMlCommand.Version.class,
      description = {
        "The learned p(x | c, nu) alone against the true p(x | c, nu) on several data sets with"
            + " one trained simulation: the bias of the learned kinematics (batch 1024)."
      })
  static final class Kinematics implements Callable<Integer> {

    @ParentCommand T4Command parent;

    @Mixin Simulation simulation = new Simulation(1_000_000, 250_000, 100_000, 10_000, 8000);

    @Option(
        names = "--data-sets",
        paramLabel = "N",
        defaultValue = "5",
        description = "data sets at the reference nu (default ${DEFAULT-VALUE})")
    int dataSets;

    /** The settings of the study, the options checked. */
    T4Study.Settings settings() {
      simulation.atLeast("--data-sets", dataSets, 1);
      return simulation.settings(new Fitting(1, 0, 1, 4, false), 1024, 1, 3, 0, 0, 1);
    }

    @Override
    public Integer call() {
      T4Study.kinematicsStudy(settings(), dataSets, Devices.fromSystemProperty(), parent.console);
      return 0;
    }
  }
}
