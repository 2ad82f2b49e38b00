package org.cnflows.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.contrastive.PhiFeatures;
import org.cnflows.examples.plots.Chart;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.PhysicsProcess;
import org.cnflows.higgsml.SyntheticGenerator;
import org.cnflows.higgsml.analysis.EvaluationStage;
import org.cnflows.higgsml.analysis.HiggsMlAnalysis;
import org.cnflows.higgsml.analysis.HiggsMlPredictor;
import org.cnflows.higgsml.analysis.MethodComparison;
import org.cnflows.higgsml.analysis.TemplateStage;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.coverage.HiggsMlScore;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.intervals.ProfileLikelihood;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * The figures of a HiggsML run, as the CNF paper shows them: the coverage plot (Fig. 4 right), the
 * Neyman belt (Fig. 6 right), the score templates as tes varies (Fig. 6 centre), the CNF densities
 * along one feature (Fig. 6 left), the profile likelihood of one pseudo-experiment, and the
 * methods' interval width against coverage (Table 2 as a figure).
 */
final class HiggsMlPlots {

  /** The feature the CNF-density figure scans. */
  static final String SCANNED_FEATURE = "DER_mass_vis";

  private HiggsMlPlots() {}

  /**
   * Writes every figure into {@code out} and returns their paths.
   *
   * @param result the run
   * @param analysis its trained analysis
   * @param observed the score histogram of the first pseudo-experiment (for the profile plot)
   */
  static List<Path> write(
      HiggsMlAnalysis.Result result, HiggsMlPredictor analysis, double[] observed, Path out) {
    List<Path> files = new ArrayList<>();
    files.add(coverage(result, out.resolve("coverage.png")));
    if (result.comparison().rows().size() > 1) {
      files.add(methods(result, out.resolve("methods.png")));
    }
    files.add(belt(analysis.belt(), out.resolve("belt.png")));
    files.add(
        templates(
            analysis.templates(), PhysicsProcess.HTAUTAU, out.resolve("templates-signal.png")));
    files.add(
        templates(
            analysis.templates(), PhysicsProcess.ZTAUTAU, out.resolve("templates-ztautau.png")));
    files.add(
        cnfDensities(analysis.models(), result.config().seed(), out.resolve("cnf-densities.png")));
    files.add(
        profile(
            analysis.likelihood().withObserved(observed),
            result.outcomes().get(0),
            out.resolve("profile-nll.png")));
    return files;
  }

  /** Each pseudo-experiment's [p16, p84] and mu-hat in run order, with its set's true mu. */
  static Path coverage(HiggsMlAnalysis.Result result, Path file) {
    List<EvaluationStage.Outcome> o = result.outcomes();
    int n = o.size();
    double[] x = new double[n];
    double[] truth = new double[n];
    double[] hat = new double[n];
    double[] lo = new double[n];
    double[] hi = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      truth[i] = o.get(i).trueMu();
      hat[i] = o.get(i).prediction().muHat();
      lo[i] = o.get(i).prediction().p16();
      hi[i] = o.get(i).prediction().p84();
    }
    return Chart.titled(
            String.format(
                Locale.ROOT,
                "Coverage: %d pseudo-experiments, %.1f%% covered, mean width %.3f",
                n,
                100 * result.report().pooled().coverage(),
                result.report().pooled().width()),
            "pseudo-experiment (grouped by set)",
            "mu")
        .errorBars("mu-hat with [p16, p84]", x, hat, lo, hi)
        .points("true mu", x, truth)
        .save(file);
  }

  /** The central 68.27% band of mu-hat at each true mu, and the diagonal. */
  static Path belt(NeymanBelt belt, Path file) {
    double[] mu = belt.muGrid();
    return Chart.titled("Neyman belt of mu-hat (nuisances from their priors)", "true mu", "mu-hat")
        .band("68.27% of toy mu-hat", mu, belt.lower(), belt.upper())
        .dashed("mu-hat = mu", mu, mu)
        .save(file);
  }

  /**
   * A process's score template at every tes of the grid as a ratio to the template at the central
   * tes, with jes at the grid's centre and soft_met at the first value of its axis (the nominal 0
   * for the presets); bins of the one-jet head on [0, 1], of the two-plus head on [1, 2]; a bin
   * empty at the central tes is left out.
   */
  static Path templates(TemplateStage.Templates templates, PhysicsProcess process, Path file) {
    TemplateStage.Config c = templates.config();
    int jes = c.jes().length / 2;
    int centre = c.tes().length / 2;
    double[] nominal = templates.at(process, jes, centre, 0);
    int[] filled = IntStream.range(0, nominal.length).filter(b -> nominal[b] > 0).toArray();
    double[][] edges = templates.edges();
    double[] x = Arrays.stream(filled).mapToDouble(b -> (edges[0][b] + edges[1][b]) / 2).toArray();
    Chart chart =
        Chart.titled(
            String.format(
                Locale.ROOT,
                "%s score template as tes varies, ratio to tes = %.3f (jes = %.3f, soft_met = %.1f)",
                process.name().toLowerCase(Locale.ROOT),
                c.tes()[centre],
                c.jes()[jes],
                c.softMet()[0]),
            "DNN score (1 jet: 0-1, >= 2 jets: 1-2)",
            "events per bin / events at the central tes");
    for (int t = 0; t < c.tes().length; t++) {
      double[] h = templates.at(process, jes, t, 0);
      double[] y = Arrays.stream(filled).mapToDouble(b -> h[b] / nominal[b]).toArray();
      chart.line(String.format(Locale.ROOT, "tes = %.3f", c.tes()[t]), x, y);
    }
    return chart.save(file);
  }

  /**
   * log p of the four one-jet CNFs along {@value #SCANNED_FEATURE} (preprocessed units) with the
   * other features at their median over nominal synthetic signal events: c = 2 picks out the
   * signal-rich region more sharply than c = 0.5.
   */
  static Path cnfDensities(TemplateStage.Models models, long seed, Path file) {
    JetCategory cat = JetCategory.ONE;
    EventTable events =
        SyntheticGenerator.generate(new SyntheticGenerator.Config(seed + 99, 4000, 1, 1, 1));
    FeatureMatrix rows = models.preprocessor().transform(events, cat).withLabels(null);
    int dim = rows.dim();
    int k = rows.names().indexOf(SCANNED_FEATURE);
    float[] median = new float[dim];
    float[] column = new float[rows.size()];
    for (int j = 0; j < dim; j++) {
      for (int i = 0; i < rows.size(); i++) {
        column[i] = rows.x()[i * dim + j];
      }
      Arrays.sort(column);
      median[j] = column[column.length / 2];
    }
    double lo = quantile(rows, k, 0.01);
    double hi = quantile(rows, k, 0.99);
    int points = 200;
    float[] scan = new float[points * dim];
    double[] x = new double[points];
    for (int i = 0; i < points; i++) {
      x[i] = lo + (hi - lo) * i / (points - 1);
      System.arraycopy(median, 0, scan, i * dim, dim);
      scan[i * dim + k] = (float) x[i];
    }
    CnfSet cnfs = models.cnfs().get(cat);
    double[][] logp =
        new PhiFeatures(cnfs, 1024).logDensities(FeatureMatrix.of(scan, rows.names()));
    Chart chart =
        Chart.titled(
            "One-jet CNF log-densities along "
                + SCANNED_FEATURE
                + " (other features at the median)",
            SCANNED_FEATURE + " (preprocessed: log, standardized)",
            "log p");
    for (int m = 0; m < cnfs.members().size(); m++) {
      CnfSet.Member member = cnfs.members().get(m);
      chart.line(member.name(), x, logp[m]);
    }
    return chart.save(file);
  }

  private static double quantile(FeatureMatrix rows, int feature, double q) {
    float[] v = new float[rows.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = rows.x()[i * rows.dim() + feature];
    }
    Arrays.sort(v);
    return v[(int) Math.min(v.length - 1, Math.round(q * (v.length - 1)))];
  }

  /**
   * 2 Delta NLL of mu for the first pseudo-experiment: nuisances profiled, and fixed at their
   * best-fit values (the difference is what the systematics cost).
   */
  static Path profile(BinnedTemplateNll nll, EvaluationStage.Outcome outcome, Path file) {
    ProfileLikelihood profile = new ProfileLikelihood(nll, Fitter.defaults());
    double upper = nll.parameters().get(nll.parameters().indexOf("mu")).upper();
    int points = 61;
    double[] mu = new double[points];
    for (int i = 0; i < points; i++) {
      mu[i] = upper * i / (points - 1);
    }
    double[] profiled = scaled(profile.scan("mu", mu, true));
    double[] fixed = scaled(profile.scan("mu", mu, false));
    double[] one = new double[points];
    Arrays.fill(one, 1);
    // where the model expects no event in a bin that has one, the NLL is infinite: such points are
    // left out and counted in the title
    int[] finite =
        java.util.stream.IntStream.range(0, points)
            .filter(i -> Double.isFinite(profiled[i]) && Double.isFinite(fixed[i]))
            .toArray();
    if (finite.length < 2) {
      throw new IllegalStateException(
          "the profile of pseudo-experiment 0 is infinite at "
              + (points - finite.length)
              + " of "
              + points
              + " mu values: nothing to plot");
    }
    return Chart.titled(
            String.format(
                Locale.ROOT,
                "Profile likelihood of pseudo-experiment 0 (true mu %.3f, mu-hat %.3f)%s",
                outcome.trueMu(),
                outcome.prediction().muHat(),
                finite.length < points
                    ? String.format(
                        Locale.ROOT, ", %d mu with infinite NLL left out", points - finite.length)
                    : ""),
            "mu",
            "2 Delta NLL")
        .line("nuisances profiled", pick(mu, finite), pick(profiled, finite))
        .line("nuisances fixed at the best fit", pick(mu, finite), pick(fixed, finite))
        .dashed("2 Delta NLL = 1", pick(mu, finite), pick(one, finite))
        .yRange(0, 9)
        .save(file);
  }

  private static double[] pick(double[] values, int[] indices) {
    return Arrays.stream(indices).mapToDouble(i -> values[i]).toArray();
  }

  private static double[] scaled(double[] deltaNll) {
    return Arrays.stream(deltaNll).map(d -> 2 * d).toArray();
  }

  /**
   * Mean interval width against coverage per method of the run, with the bootstrap standard
   * deviation of the width, the paper's Table 2 points and the nominal coverage.
   */
  static Path methods(HiggsMlAnalysis.Result result, Path file) {
    Chart chart =
        Chart.titled(
            String.format(
                Locale.ROOT,
                "Interval width vs coverage, %d pseudo-experiments at %.1f fb^-1",
                result.report().pooled().size(),
                result.config().luminosity()),
            "coverage",
            "mean interval width");
    double top = 0;
    for (MethodComparison.Row r : result.comparison().rows()) {
      double w = r.report().pooled().width();
      double e = r.report().widthBootstrap().std();
      top = Math.max(top, w + e);
      chart.errorBars(
          r.method(),
          new double[] {r.report().pooled().coverage()},
          new double[] {w},
          new double[] {w - e},
          new double[] {w + e});
    }
    for (String method : HiggsMlAnalysis.METHODS) {
      MethodComparison.Paper p = MethodComparison.PAPER.get(method);
      if (p == null) {
        continue;
      }
      top = Math.max(top, p.interval());
      chart.points(
          "paper, 10 fb^-1: " + p.label(),
          new double[] {p.coverage()},
          new double[] {p.interval()});
    }
    return chart
        .dashed(
            "nominal coverage 0.6827",
            new double[] {HiggsMlScore.NOMINAL, HiggsMlScore.NOMINAL},
            new double[] {0, 1.05 * top})
        .xRange(0, 1)
        .save(file);
  }
}
