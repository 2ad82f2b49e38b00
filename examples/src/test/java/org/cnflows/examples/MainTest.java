package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnflows.stats.toys.ToyT1;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void demoPrintsEngineToyFiguresAndAFlowFitThatMatchTheTruth() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"demo", "300", "300"},
            new PrintStream(buffer, true, StandardCharsets.UTF_8),
            System.err);
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(out).contains("PyTorch").contains("device cpu");
    Matcher norms = Pattern.compile("integral of p_s = ([0-9.]+), of p_b = ([0-9.]+)").matcher(out);
    assertThat(norms.find()).isTrue();
    assertThat(Double.parseDouble(norms.group(1))).isBetween(0.999, 1.001);
    assertThat(Double.parseDouble(norms.group(2))).isBetween(0.999, 1.001);
    for (int k = 0; k < ToyT1.CONTRASTS.length; k++) {
      Matcher row =
          Pattern.compile(String.format("%-6.1f ([0-9.]+)", ToyT1.CONTRASTS[k])).matcher(out);
      assertThat(row.find()).as("row for c = %s in%n%s", ToyT1.CONTRASTS[k], out).isTrue();
      assertThat(Double.parseDouble(row.group(1)))
          .isBetween(ToyT1.LAMBDA_C_REFERENCE[k] - 2e-3, ToyT1.LAMBDA_C_REFERENCE[k] + 2e-3);
    }
    Matcher fit =
        Pattern.compile("flow (-?[0-9.]+), truth (-?[0-9.]+), difference (-?[0-9.]+) nats")
            .matcher(out);
    assertThat(fit.find()).as(out).isTrue();
    assertThat(Double.parseDouble(fit.group(2))).isBetween(-4.55, -4.49);
    assertThat(Math.abs(Double.parseDouble(fit.group(3)))).as("learned - true").isLessThan(0.05);
  }

  @Test
  void unknownCommandFailsWithUsageCode() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {"nope"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'nope'");
  }
}
