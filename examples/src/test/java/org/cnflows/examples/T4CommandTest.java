package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cnflows.examples.MainRun.run;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnflows.flows.LearningRateSchedule;
import org.junit.jupiter.api.Test;

/** The t4 commands' options, their defaults and errors; no study runs (they take minutes). */
class T4CommandTest {

  /**
   * The settings with the counts in {@link T4Study.Settings}' order (nominal, template, data
   * events; flow, residual, DOI, DOI warm-up, profile steps; batch, Newton steps, scan points,
   * bootstrap members and steps; the simulation flows' finishing steps; the refit steps of the
   * profile by refits), the simulation flows' and step 2's averaged shares, step 2's trainings, and
   * where the simulation is kept.
   */
  private static T4Study.Settings expected(
      long seed,
      boolean corners,
      boolean atKinematics,
      boolean constant,
      double flowAverage,
      double average,
      int repeats,
      boolean fromTransport,
      double width,
      boolean refineDoi,
      Path simulationDir,
      int... v) {
    return new T4Study.Settings(
        v[0],
        v[1],
        v[2],
        v[3],
        v[4],
        flowAverage,
        v[13],
        v[5],
        v[6],
        v[7],
        average,
        repeats,
        fromTransport,
        width,
        refineDoi,
        v[8],
        v[9],
        v[10],
        v[14],
        v[11],
        v[12],
        corners,
        atKinematics,
        constant ? LearningRateSchedule.CONSTANT : LearningRateSchedule.COSINE,
        seed,
        simulationDir);
  }

  /** The default an option's description in a help text names ("default X"). */
  private static String defaultOf(String help, String option) {
    Matcher entry =
        Pattern.compile("\\n\\s+" + option + "=\\S+(.*?)\\n\\s+-", Pattern.DOTALL).matcher(help);
    assertThat(entry.find()).as("%s in%n%s", option, help).isTrue();
    Matcher value = Pattern.compile("default\\s+(\\S+?)\\)").matcher(entry.group(1));
    assertThat(value.find()).as("the default of %s in%n%s", option, help).isTrue();
    return value.group(1);
  }

  /** The help entry of --[no-]refine-doi up to its default, before the next option's. */
  private static final String REFINE_DOI_DEFAULT =
      "(?s)\\n\\s+--\\[no-]refine-doi(?:(?!\\n {6}-).)*\\(default\\s+";

  /** The help of a command, which exits 0; each option's default as the lines say. */
  private static String assertHelp(String command, String... optionsAndDefaults) {
    String[] help = run(words(command, "--help"));
    assertThat(help[0]).isEqualTo("0");
    String[] expected = words(optionsAndDefaults);
    for (int i = 0; i < expected.length; i += 2) {
      assertThat(defaultOf(help[1], expected[i])).as(expected[i]).isEqualTo(expected[i + 1]);
    }
    return help[1];
  }

  @Test
  void helpListsEveryOptionWithItsDefault() {
    assertThat(
            assertHelp(
                "t4",
                "--plots t4-plots --flow-steps 10000 --residual-steps 8000 --doi-steps 4800",
                "--profile-steps 6000 --doi-warmup 1200 --bootstrap 8 --bootstrap-steps 300",
                "--data-events 100000 --profile-average 0.0 --profile-repeats 1 --profile-width 12.0",
                "--batch 1024 --nominal 1000000 --template 250000 --seed 1 --flow-average 0.0",
                "--flow-finish 0"))
        .contains(
            "toys",
            "kinematics",
            "--axes-only",
            "--start-at-zero",
            "--constant-rate",
            "--profile-from-frozen",
            "--simulation-dir")
        .containsPattern(REFINE_DOI_DEFAULT + "true\\)");
    assertThat(
            assertHelp(
                "t4 toys",
                "--count 20 --data-events 2000 --nominal 200000 --template 50000",
                "--flow-steps 4000 --residual-steps 3000 --doi-steps 300 --profile-steps 1500",
                "--doi-warmup 300 --profile-average 0.0 --profile-repeats 1 --profile-width 12.0",
                "--seed 1 --flow-average 0.0 --flow-finish 0"))
        .contains("--axes-only", "--start-at-zero", "--constant-rate", "--simulation-dir")
        .containsPattern(REFINE_DOI_DEFAULT + "true\\)")
        .doesNotContain("--plots", "--batch", "--bootstrap", "--data-sets");
    assertThat(
            assertHelp(
                "t4 kinematics",
                "--data-sets 5 --data-events 100000 --nominal 1000000 --template 250000",
                "--flow-steps 10000 --residual-steps 8000 --seed 1 --flow-average 0.0",
                "--flow-finish 0"))
        .contains("--axes-only", "--constant-rate", "--simulation-dir")
        .doesNotContain("--plots", "--count", "--doi-steps", "--start-at-zero");
  }

  /** A command line that exits 2 with a usage error saying what {@code message} says. */
  private static void assertUsageError(String commandLine, String message) {
    String[] r = run(words(commandLine));
    assertThat(r[0]).as(commandLine).isEqualTo("2");
    assertThat(r[2]).contains(message).contains("Usage: t4");
  }

  @Test
  void aBadValueIsAUsageErrorThatNamesIt() {
    assertUsageError("t4 toys --count 0", "option '--count': 0 (must be >= 2)");
    assertThat(run(words("t4 toys --count 1"))[2]).contains("Usage: t4 toys [-hV]");
    assertUsageError("t4 --flow-steps abc", "option '--flow-steps': 'abc' is not an int");
    assertUsageError("t4 kinematics --data-sets 0", "option '--data-sets': 0 (must be >= 1)");
    assertUsageError("t4 --data-events 5", "option '--data-events': 5 (must be >= 10)");
    assertUsageError("t4 --bootstrap -1", "option '--bootstrap': -1 (must be >= 0)");
    assertUsageError("t4 toys --doi-warmup -1", "option '--doi-warmup': -1 (must be >= 0)");
    assertUsageError("t4 --profile-repeats 0", "option '--profile-repeats': 0 (must be >= 1)");
    assertUsageError("t4 toys --profile-average 1", "'--profile-average': 1.0 (must be in [0, 1))");
    assertUsageError(
        "t4 kinematics --flow-average -0.1", "'--flow-average': -0.1 (must be in [0, 1))");
    assertUsageError("t4 toys --flow-finish -1", "'--flow-finish': -1 (must be >= 0)");
    assertUsageError("t4 --refit-steps -1", "'--refit-steps': -1 (must be >= 0)");
    assertUsageError("t4 --profile-width 0", "'--profile-width': 0.0 (must be finite and > 0)");
    assertUsageError(
        "t4 toys --profile-width NaN", "'--profile-width': NaN (must be finite and > 0)");
    // the old positional syntax and flag words are errors, not silently ignored
    assertUsageError("t4 toys 20", "Unmatched argument at index 1: '20'");
    assertUsageError("t4 axes", "Unmatched argument at index 0: 'axes'");
  }

  @Test
  void theDefaultsAreTheStudiesOwn() {
    T4Command study = T4Command.parse(T4Command.class);
    assertThat(study.plots).isEqualTo(Path.of("t4-plots"));
    assertThat(study.settings())
        .isEqualTo(
            expected(
                1, true, true, false, 0, 0, 1, true, 12, true, null, 1_000_000, 250_000, 100_000,
                10_000, 8000, 4800, 1200, 6000, 1024, 2, 9, 8, 300, 0, 0));

    T4Command.Toys toys = T4Command.parse(T4Command.Toys.class, "toys");
    assertThat(toys.count).isEqualTo(20);
    assertThat(toys.settings())
        .isEqualTo(
            expected(
                1, true, true, false, 0, 0, 1, true, 12, true, null, 200_000, 50_000, 2000, 4000,
                3000, 300, 300, 1500, 256, 2, 3, 0, 1, 0, 0));

    T4Command.Kinematics kinematics = T4Command.parse(T4Command.Kinematics.class, "kinematics");
    assertThat(kinematics.dataSets).isEqualTo(5);
    assertThat(kinematics.settings())
        .isEqualTo(
            expected(
                1, true, true, false, 0, 0, 1, true, 4, false, null, 1_000_000, 250_000, 100_000,
                10_000, 8000, 1, 0, 1, 1024, 1, 3, 0, 1, 0, 0));
  }

  @Test
  void refineDoiNamesTheValueWhateverTheDefault() {
    assertThat(T4Command.parse(T4Command.class, "--refine-doi").settings().refineDoi()).isTrue();
    assertThat(T4Command.parse(T4Command.class, "--no-refine-doi").settings().refineDoi())
        .isFalse();
    assertThat(T4Command.parse(T4Command.Toys.class, "toys", "--refine-doi").settings().refineDoi())
        .isTrue();
    assertThat(
            T4Command.parse(T4Command.Toys.class, "toys", "--no-refine-doi").settings().refineDoi())
        .isFalse();
  }

  @Test
  void eachOptionSetsItsField() {
    T4Command study =
        T4Command.parse(
            T4Command.class,
            words(
                "--plots somewhere --flow-steps 11 --residual-steps 12 --doi-steps 13",
                "--profile-steps 14 --bootstrap 0 --bootstrap-steps 15 --data-events 16",
                "--batch 17 --nominal 18 --template 19 --seed 20",
                "--axes-only --start-at-zero --constant-rate --doi-warmup 21",
                "--profile-average 0.25 --profile-repeats 3 --profile-from-frozen --profile-width 6.5",
                "--no-refine-doi --simulation-dir sims --flow-average 0.3 --flow-finish 22",
                "--refit-steps 23"));
    assertThat(study.plots).isEqualTo(Path.of("somewhere"));
    assertThat(study.settings())
        .isEqualTo(
            expected(
                20,
                false,
                false,
                true,
                0.3,
                0.25,
                3,
                false,
                6.5,
                false,
                Path.of("sims"),
                18,
                19,
                16,
                11,
                12,
                13,
                21,
                14,
                17,
                2,
                9,
                0,
                15,
                22,
                23));

    T4Command.Toys toys =
        T4Command.parse(
            T4Command.Toys.class,
            words(
                "toys --count 3 --data-events 2100 --nominal 40100 --template 10100",
                "--flow-steps 1501 --residual-steps 1001 --doi-steps 301 --profile-steps 302",
                "--seed 7 --start-at-zero --doi-warmup 303 --profile-average 0.5 --profile-repeats 2",
                "--profile-width 3 --no-refine-doi --simulation-dir toy-sims --flow-average 0.4",
                "--flow-finish 3"));
    assertThat(toys.count).isEqualTo(3);
    assertThat(toys.settings())
        .isEqualTo(
            expected(
                7,
                true,
                false,
                false,
                0.4,
                0.5,
                2,
                true,
                3,
                false,
                Path.of("toy-sims"),
                40_100,
                10_100,
                2100,
                1501,
                1001,
                301,
                303,
                302,
                256,
                2,
                3,
                0,
                1,
                3,
                0));

    T4Command.Kinematics kinematics =
        T4Command.parse(
            T4Command.Kinematics.class,
            words(
                "kinematics --data-sets 3 --data-events 20000 --nominal 60000 --template 30000",
                "--flow-steps 2500 --residual-steps 2600 --seed 9 --axes-only --constant-rate",
                "--flow-average 0.6 --flow-finish 7"));
    assertThat(kinematics.dataSets).isEqualTo(3);
    assertThat(kinematics.settings())
        .isEqualTo(
            expected(
                9, false, true, true, 0.6, 0, 1, true, 4, false, null, 60_000, 30_000, 20_000, 2500,
                2600, 1, 0, 1, 1024, 1, 3, 0, 1, 7, 0));
  }

  /** The words of the lines, as a shell splits them. */
  private static String[] words(String... lines) {
    return String.join(" ", lines).split(" ");
  }
}
