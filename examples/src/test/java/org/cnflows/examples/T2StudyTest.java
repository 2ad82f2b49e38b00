package org.cnflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.cnflows.stats.toys.ToyT2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The claims of Elsharkawy and Kahn 2025, Sec. 5 and Fig. 3, on toy T2 at reduced scale: 15,000
 * unperturbed events per class, CNFs of 8 couplings with 2 x 32 conditioners and 1200 steps, DNNs
 * of 1500 steps, 4000 test events per class and phi. One study (fixed seeds, chosen before any run)
 * serves every test.
 */
class T2StudyTest {

  static final T2Study.Settings SCALE =
      new T2Study.Settings(15_000, 1200, 1500, 4000, 8, 32, 2, 100, 1e-3);

  static List<T2Study.Result> results;
  static String table;

  @BeforeAll
  static void runStudy() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    results = T2Study.study(SCALE, ToyT2.DEFAULT, Device.cpu(), out);
    T2Study.print(results, out);
    table = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(table);
  }

  /** The row at phi = 0 of a scenario (every scenario's test grid contains it). */
  static T2Study.Row atZero(T2Study.Result r) {
    return r.rows().stream().filter(row -> Math.abs(row.phi()) < 1e-12).findFirst().orElseThrow();
  }

  @Test
  void tableHasEveryScenarioAndPhi() {
    assertThat(results).hasSize(3);
    for (T2Study.Result r : results) {
      assertThat(r.rows()).hasSize(T2Study.TEST_GRID);
      assertThat(table).contains(r.scenario().name());
    }
    assertThat(table).contains("(ii)CNF").contains("(iv)DNN+Phi");
  }

  /** Bayes accuracy is the toy's 0.823 at every phi of every scenario (binomial error 0.004). */
  @Test
  void bayesAccuracyDoesNotDependOnPhi() {
    SoftAssertions soft = new SoftAssertions();
    for (T2Study.Result r : results) {
      for (T2Study.Row row : r.rows()) {
        soft.assertThat(row.bayes())
            .as("%s, phi = %s", r.scenario().name(), row.phi())
            .isCloseTo(ToyT2.BAYES_ACCURACY_REFERENCE, within(0.015));
      }
    }
    soft.assertAll();
  }

  /** Claim: at phi = 0 the DNN (i) reaches the Bayes-optimal accuracy within 0.01. */
  @Test
  void dnnOnUnperturbedDataIsBayesOptimalAtPhiZero() {
    for (T2Study.Result r : results) {
      T2Study.Row row = atZero(r);
      assertThat(row.dnn()).as(r.scenario().name()).isCloseTo(row.bayes(), within(0.01));
    }
  }

  /**
   * Claim: the DNN (i) loses accuracy under a large rotation, the Bayes classifier does not. At phi
   * = pi/2 the rotated classes sit where the DNN expects the other class.
   */
  @Test
  void dnnDropsAtLargeRotationWhileBayesDoesNot() {
    List<T2Study.Row> rows = results.get(0).rows();
    T2Study.Row last = rows.get(rows.size() - 1);
    assertThat(last.phi()).isCloseTo(Math.PI / 2, within(1e-12));
    assertThat(last.bayes()).isGreaterThan(0.80);
    assertThat(last.dnn()).isLessThan(last.bayes() - 0.2);
    assertThat(last.dnnPerturbed()).isGreaterThan(last.dnn());
  }

  /**
   * Claim: at phi = 0 the c = 1 CNF (ii) with the decision p(x) > 1e-11 is Bayes-optimal within 1%,
   * as the rule is on the exact optimum of Eq. (10), p*_1 = max(p_s - p_b, 0) / lambda_1 (the
   * threshold cuts only the far tails of the signal in 10-D). At full scale the gaps are 0.006 -
   * 0.008 (flows-contrastive/README.md, "Toy T2"). At this reduced scale they were 0.005 - 0.0104
   * for the same seeds under different MKL code paths (MKL picks them by memory alignment unless
   * MKL_CBWR is set, as the test builds now do): 1200 contrastive steps amplify rounding
   * differences to that level, so the test allows 0.015. This needs the per-event clamp: with the
   * paper's batch clamp alone the loss reached k = -50 while log p on signal was still tens of nats
   * too low, and (ii) stayed near 0.63.
   */
  @Test
  void cnfOnUnperturbedDataIsBayesOptimalAtPhiZero() {
    for (T2Study.Result r : results) {
      T2Study.Row row = atZero(r);
      assertThat(row.idealCnf()).as(r.scenario().name()).isCloseTo(row.bayes(), within(0.01));
      assertThat(row.cnf()).as(r.scenario().name()).isCloseTo(row.bayes(), within(0.015));
    }
  }

  /**
   * Claim (Fig. 3, left): at large rotations the DNN with the CNF features (iv) is far more
   * accurate than the classifiers trained on unperturbed data, (i) and (ii). The paper has it beat
   * (iii) as well; here (iv) and (iii) agree within 0.02 (see flows-contrastive/README.md, "Toy
   * T2").
   */
  @Test
  void dnnWithPhiFeaturesIsRobustAtLargeRotation() {
    List<T2Study.Row> rows = results.get(0).rows();
    T2Study.Row last = rows.get(rows.size() - 1);
    assertThat(last.dnnPhi()).isGreaterThan(Math.max(last.dnn(), last.cnf()) + 0.1);
    assertThat(last.dnnPhi()).isGreaterThan(last.dnnPerturbed() - 0.02);
  }
}
