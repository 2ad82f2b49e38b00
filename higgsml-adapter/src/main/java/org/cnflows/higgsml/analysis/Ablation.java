package org.cnflows.higgsml.analysis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnflows.common.Json;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * Whether the CNF columns help: the same DNN (same sub-datasets, settings and seed) trained with
 * and without the CNFs' log p columns, each turned into templates on the same pool and grid, and
 * compared by the expected uncertainty of mu on the Asimov dataset at mu = 1 with the nuisances at
 * nominal: sigma(mu) from the Hessian with jes, tes, soft_met and the normalizations profiled, and
 * with them fixed. The smaller sigma, the more the classifier separates signal from background
 * where the systematics leave it alone.
 *
 * @param sigmaWith profiled sigma(mu) with the CNF columns
 * @param sigmaWithout profiled sigma(mu) without them
 * @param sigmaStatWith sigma(mu) with the nuisances fixed, with the CNF columns
 * @param sigmaStatWithout the same without them
 */
public record Ablation(
    double sigmaWith, double sigmaWithout, double sigmaStatWith, double sigmaStatWithout) {

  static final String FILE = "ablation.json";

  /** The comparison of two template sets built on the same pool and grid. */
  public static Ablation compare(
      TemplateStage.Templates withCnfs, TemplateStage.Templates withoutCnfs) {
    double[] with = sigmas(withCnfs.likelihood());
    double[] without = sigmas(withoutCnfs.likelihood());
    return new Ablation(with[0], without[0], with[1], without[1]);
  }

  /** Profiled and fixed-nuisance sigma(mu) on the nominal Asimov dataset at mu = 1. */
  static double[] sigmas(BinnedTemplateNll likelihood) {
    BinnedTemplateNll asimov = likelihood.asimov(likelihood.parameters().initialValues());
    FitResult profiled = Fitter.defaults().fit(asimov);
    FitResult stat =
        Fitter.defaults().fit(asimov.withParameters(Baseline.muOnly(asimov.parameters())));
    for (FitResult fit : List.of(profiled, stat)) {
      if (!fit.status().minimumFound()) {
        throw new IllegalStateException("the ablation's Asimov fit failed: " + fit.status());
      }
    }
    return new double[] {profiled.error("mu"), stat.error("mu")};
  }

  /** The relative gain in sigma(mu) from the CNF columns (positive: they help). */
  public double gain() {
    return 1 - sigmaWith / sigmaWithout;
  }

  /** One Markdown paragraph. */
  public String markdown() {
    return String.format(
        Locale.ROOT,
        "Ablation (Asimov at mu = 1, nominal nuisances): sigma(mu) %.3f with the CNF columns, %.3f"
            + " without (the CNF columns change it by %+.1f%%); with the nuisances fixed %.3f and %.3f.%n",
        sigmaWith,
        sigmaWithout,
        -100 * gain(),
        sigmaStatWith,
        sigmaStatWithout);
  }

  void save(Path directory) throws IOException {
    Json.write(directory.resolve(FILE), this);
  }

  static Ablation load(Path directory) throws IOException {
    return Json.read(directory.resolve(FILE), Ablation.class, "ablation", a -> true);
  }
}
