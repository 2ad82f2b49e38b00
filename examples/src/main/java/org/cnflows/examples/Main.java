package org.cnflows.examples;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of {@code java -jar examples/target/cnflows-examples.jar [command]}.
 *
 * <p>Commands: {@code demo} (default) runs {@link ToyT1Demo}; {@code t2} runs {@link T2Study};
 * {@code t3} runs {@link T3Study}; {@code t4} runs {@link T4Command}; {@code generator-report} runs
 * {@link GeneratorReport}; {@code higgsml} runs {@link HiggsMlCommand}.
 */
public final class Main {

  private Main() {}

  /**
   * Runs a command.
   *
   * @param args the command and its arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    String command = args.length == 0 ? "demo" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "demo":
        return ToyT1Demo.run(rest, out);
      case "t2":
        return T2Study.run(rest, out);
      case "t3":
        return T3Study.run(rest, out);
      case "t4":
        return T4Command.run(rest, out, err);
      case "generator-report":
        return GeneratorReport.run(rest, out);
      case "higgsml":
        return HiggsMlCommand.run(rest, out, err);
      case "-h":
      case "--help":
      case "help":
        out.println("usage: cnflows-examples [higgsml | demo | t2 | t3 | t4 | generator-report]");
        out.println(
            "  higgsml [--preset smoke|quick|paper] [--data PATH] [--out DIR] [--device"
                + " cpu|gpu[:N]] [--sets N] [--per-set M] [--luminosity FB] [--seed S]   the CNF"
                + " paper's HiggsML analysis, the main job (higgsml --help; higgsml predict)");
        out.println(
            "  demo [grid [steps]]   engine check, toy T1 on a grid, a flow fit (the default"
                + " without arguments)");
        out.println(
            "  t2 [events [cnfSteps [dnnSteps [testEvents [layers [hidden [depth [perPhi [lr]]]]]]]]]"
                + "   CNF paper Table 1 / Fig. 3 on the 10-D toy");
        out.println(
            "  t3 [large|small [datasetsPerPoint [flowSteps [classifierSteps]]]]   the thesis's flow"
                + " and classifier methods beside the true likelihood on T3");
        out.println(
            "  t4 [--plots DIR] [--flow-steps N] [--residual-steps N] [--doi-steps N]"
                + " [--profile-steps N] [--bootstrap N] ... [--axes-only] [--start-at-zero]"
                + " [--constant-rate]   factorizable flows, DOI fit, amortized profiling, pulls and"
                + " bootstrap on toy T4 beside the truth (t4 --help)");
        out.println(
            "  t4 toys [--count N] [--data-events N] [--nominal N] [--template N] ...   pull"
                + " distributions over toy data sets (t4 toys --help)");
        out.println(
            "  t4 kinematics [--data-sets N] [--data-events N] [--nominal N] [--template N]"
                + " [--seed S] ...   the learned p(x | c, nu) alone against the truth (t4"
                + " kinematics --help)");
        out.println(
            "  generator-report [eventsPerProcess [seed [csv2014]]]   the synthetic generator"
                + " against the real 2025 sample and the 2014 sample's signal (higgsml-adapter"
                + " README)");
        out.println("system properties: -Dcnflows.device=cpu|gpu|gpu:N");
        return 0;
      default:
        err.println("unknown command '" + command + "'; try --help");
        return 2;
    }
  }
}
