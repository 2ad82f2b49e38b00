package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cnflows.examples.MainRun.run;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The higgsml command as a user runs it: help, bad options, and the smoke preset's outputs. */
class HiggsMlCommandTest {

  @Test
  void helpListsEveryOptionAndABadOptionIsNamed() {
    String[] help = run("higgsml", "--help");
    assertThat(help[0]).isEqualTo("0");
    assertThat(help[1])
        .contains("--preset", "--data", "--out", "--device", "--sets", "--per-set")
        .contains("--luminosity", "--seed", "--belt-check", "smoke", "quick", "paper", "predict")
        .contains("--methods", "mle-nu", "one-syst")
        .containsPattern("default\\s+quick");
    String[] predictHelp = run("higgsml", "predict", "--help");
    assertThat(predictHelp[1]).contains("--analysis", "DATA", "predict()");
    String[] bad = run("higgsml", "--preset", "huge");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("huge").contains("smoke");
  }

  @Test
  void theSmokePresetOnTheRealSampleWritesItsTablesAndFiguresAndPredicts(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("run");
    Path sample =
        Path.of(
            System.getProperty("cnflows.data.dir"),
            "fair-universe-higgsml-sample",
            "FAIR_Universe_HiggsML_data.parquet");
    // the real-data path: the repository's 2025 sample as the pool of every stage
    String[] r =
        run(
            "higgsml",
            "--preset",
            "smoke",
            "--data",
            sample.toString(),
            "--out",
            out.toString(),
            "--sets",
            "2",
            "--per-set",
            "2");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("[1/6] data: user pool of 1,000 training events")
        .contains("[6/6] evaluation: 4 pseudo-experiments", "| pooled | 4 |")
        .contains("| one-syst |", "| counting |", "| baseline |");
    assertThat(Files.readString(out.resolve("results.md"))).contains("| pooled | 4 |");
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv).hasSize(5);
    assertThat(csv.get(0)).isEqualTo("set,true_mu,events,fit,mu_hat,p16,p84,status,covers");
    JsonObject json =
        JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
    assertThat(json.getAsJsonObject("config").get("name").getAsString()).isEqualTo("smoke");
    assertThat(json.getAsJsonArray("outcomes")).hasSize(4);
    assertThat(json.getAsJsonObject("comparison").getAsJsonArray("rows")).hasSize(4);
    List<String> methodsCsv = Files.readAllLines(out.resolve("methods.csv"));
    assertThat(methodsCsv).hasSize(1 + 4 * 4);
    assertThat(methodsCsv.get(0)).startsWith("method,set,true_mu");
    assertThat(methodsCsv).anyMatch(l -> l.startsWith("counting,0,"));
    assertThat(Files.readString(out.resolve("response.md")))
        .contains("| tes | background |", "this pool", "2025 sample");
    for (String png :
        List.of(
            "coverage.png",
            "belt.png",
            "templates-signal.png",
            "templates-ztautau.png",
            "cnf-densities.png",
            "profile-nll.png",
            "methods.png")) {
      BufferedImage image = ImageIO.read(out.resolve(png).toFile());
      assertThat(image.getWidth()).as(png).isEqualTo(900);
    }

    // the saved analysis applied to the 2025 sample, its weights (10 fb^-1) read as event counts
    String[] predicted = run("higgsml", "predict", "--analysis", out.toString(), sample.toString());
    assertThat(predicted[0]).as(predicted[2]).isEqualTo("0");
    assertThat(predicted[1])
        .containsPattern("mu_hat = [0-9.]+, delta_mu_hat = [0-9.]+, p16 = [0-9.]+, p84 = [0-9.]+")
        .contains("warning: the analysis expects about");
    String[] missing =
        run("higgsml", "predict", "--analysis", dir.resolve("none").toString(), sample.toString());
    assertThat(missing[0]).isEqualTo("1");
    assertThat(missing[2]).contains("holds no finished 'preprocessor' stage");
  }
}
