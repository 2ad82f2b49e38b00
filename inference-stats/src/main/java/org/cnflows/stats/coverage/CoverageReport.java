package org.cnflows.stats.coverage;

/**
 * Summary of intervals on pseudo-experiments with known truth mu_i, estimates mu-hat_i and
 * intervals [l_i, u_i]: coverage c = (1/N) #{l_i &lt;= mu_i &lt;= u_i}, mean width (1/N) sum (u_i -
 * l_i), RMSE sqrt((1/N) sum (mu-hat_i - mu_i)^2), MAE (1/N) sum |mu-hat_i - mu_i|, and the binomial
 * standard error sqrt(c (1 - c) / N) of the coverage.
 *
 * @param trials N
 * @param coverage c
 * @param meanWidth the mean interval width
 * @param rmse the root-mean-square error of the estimates
 * @param mae the mean absolute error of the estimates
 */
public record CoverageReport(
    int trials, double coverage, double meanWidth, double rmse, double mae) {

  /** sqrt(c (1 - c) / N). */
  public double coverageError() {
    return Math.sqrt(coverage * (1 - coverage) / trials);
  }
}
