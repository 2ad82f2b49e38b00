package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.stats.FitResult;
import org.cnflows.stats.FitStatus;
import org.cnflows.stats.Fitter;
import org.cnflows.stats.Parameters;
import org.cnflows.stats.intervals.Interval;
import org.cnflows.stats.intervals.NeymanBelt;
import org.cnflows.stats.models.BinnedTemplateNll;

/**
 * The challenge's {@code predict()} contract on a trained analysis: one dataset in, (mu-hat, p16,
 * p84) out. The events go through the preprocessing, the CNF log-density columns and the DNN into
 * the score histogram of the templates' binning; the binned likelihood is fitted (mu-hat, the
 * nuisances profiled) and mu-hat is read off the Neyman belt. The evaluation stage predicts every
 * test pseudo-experiment through this class, so what a user applies to their data is what was
 * scored.
 *
 * <pre>{@code
 * try (HiggsMlPredictor analysis = HiggsMlPredictor.load(Path.of("higgsml-out"), Device.cpu())) {
 *   HiggsMlPredictor.Prediction p = analysis.predict(HiggsMlReader.read2024Test(file).events());
 *   System.out.println(p.muHat() + " in [" + p.p16() + ", " + p.p84() + "]");
 * }
 * }</pre>
 */
public final class HiggsMlPredictor implements Method {

  /** The method's name in comparisons ({@link Method#name()}). */
  public static final String NAME = "cnf-dnn";

  /**
   * What the analysis says of one dataset.
   *
   * @param muHat the maximum-likelihood signal strength
   * @param p16 the lower end of the 68.27% interval from the belt
   * @param p84 the upper end
   * @param fit the fit's status (a non-converged fit is reported, never hidden); null for a method
   *     without a fit (the challenge's counting model)
   * @param belt where mu-hat lay relative to the belt ({@link Interval.Status}); null for a method
   *     whose interval does not come from a belt
   * @param events the events in the analysed jet categories that entered the histogram
   * @param expectedEvents what the templates expect there at mu = 1 and nominal nuisances (far from
   *     {@code events}: the dataset is not at the analysis's luminosity)
   */
  public record Prediction(
      double muHat,
      double p16,
      double p84,
      FitStatus fit,
      Interval.Status belt,
      double events,
      double expectedEvents) {

    /** Half the interval's width: the challenge's {@code delta_mu_hat}. */
    public double deltaMuHat() {
      return 0.5 * (p84 - p16);
    }
  }

  private final String name;
  private final TemplateStage.Models models;
  private final TemplateStage.Templates templates;
  private final BinnedTemplateNll likelihood;
  private final Parameters fitted;
  private final NeymanBelt belt;
  private final boolean owned;
  private final double expectedTotal;

  /**
   * An analysis from its parts; the caller keeps ownership of the models (closing this does not
   * close them).
   */
  public HiggsMlPredictor(
      TemplateStage.Models models, TemplateStage.Templates templates, NeymanBelt belt) {
    this(NAME, models, templates, belt, false, false);
  }

  /**
   * The same fit-and-belt procedure as another method: {@code name}, the models and templates, and
   * with {@code muOnly} every parameter but mu fixed at its nominal value in the fit ({@link
   * Baseline}); the caller keeps ownership of the models.
   */
  HiggsMlPredictor(
      String name,
      TemplateStage.Models models,
      TemplateStage.Templates templates,
      NeymanBelt belt,
      boolean muOnly) {
    this(name, models, templates, belt, muOnly, false);
  }

  private HiggsMlPredictor(
      String name,
      TemplateStage.Models models,
      TemplateStage.Templates templates,
      NeymanBelt belt,
      boolean muOnly,
      boolean owned) {
    this.name = name;
    this.models = models;
    this.templates = templates;
    this.likelihood = templates.likelihood();
    this.fitted = muOnly ? Baseline.muOnly(likelihood.parameters()) : null;
    this.belt = belt;
    this.owned = owned;
    double sum = 0;
    for (double n : likelihood.expected(likelihood.parameters().initialValues())) {
      sum += n;
    }
    this.expectedTotal = sum;
  }

  /**
   * Loads the analysis that {@link HiggsMlAnalysis#run} saved in {@code directory} (its stage
   * subdirectories preprocessor, cnfs, classifier, templates and belt); closing the predictor
   * closes its models.
   *
   * @throws IOException naming the stage directory that is missing or unreadable
   */
  public static HiggsMlPredictor load(Path directory, Device device) throws IOException {
    for (String stage : HiggsMlAnalysis.MODEL_STAGES) {
      if (!Files.exists(directory.resolve(stage).resolve(StageCache.MANIFEST))) {
        throw new IOException(
            directory
                + " holds no finished '"
                + stage
                + "' stage: run the analysis with --out "
                + directory
                + " first");
      }
    }
    Preprocessor pre = Preprocessor.load(directory.resolve("preprocessor"));
    Map<JetCategory, CnfSet> cnfs = loadCnfs(directory.resolve("cnfs"), device);
    try {
      Classifier dnn = Classifier.load(directory.resolve("classifier"), device);
      return new HiggsMlPredictor(
          NAME,
          new TemplateStage.Models(pre, cnfs, dnn),
          TemplateStage.Templates.load(directory.resolve("templates")),
          NeymanBelt.load(directory.resolve("belt")),
          false,
          true);
    } catch (IOException | RuntimeException e) {
      cnfs.values().forEach(CnfSet::close);
      throw e;
    }
  }

  /** Writes the CNF sets, one subdirectory per analysed jet category. */
  static void saveCnfs(Map<JetCategory, CnfSet> cnfs, Path directory) throws IOException {
    for (Map.Entry<JetCategory, CnfSet> e : cnfs.entrySet()) {
      e.getValue().save(directory.resolve(e.getKey().name().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  /** Reads the CNF sets written by {@link #saveCnfs}. */
  static Map<JetCategory, CnfSet> loadCnfs(Path directory, Device device) throws IOException {
    Map<JetCategory, CnfSet> cnfs = new EnumMap<>(JetCategory.class);
    try {
      for (JetCategory cat : TrainingSets.ANALYSIS_CATEGORIES) {
        cnfs.put(
            cat,
            CnfSet.load(directory.resolve(cat.name().toLowerCase(java.util.Locale.ROOT)), device));
      }
      return cnfs;
    } catch (IOException | RuntimeException e) {
      cnfs.values().forEach(CnfSet::close);
      throw e;
    }
  }

  /** {@value #NAME}, or the name of the method this predictor serves. */
  @Override
  public String name() {
    return name;
  }

  /**
   * (mu-hat, p16, p84) of a dataset whose weights are event counts (1 for real or pseudo data).
   *
   * @throws IllegalArgumentException if no event falls in an analysed jet category
   */
  @Override
  public Prediction predict(EventTable events) {
    double[] observed = templates.observed(events, models);
    double total = Method.analysedEvents(observed, events.size());
    BinnedTemplateNll data = likelihood.withObserved(observed);
    FitResult fit = Fitter.defaults().fit(fitted == null ? data : data.withParameters(fitted));
    Interval interval = belt.invert(fit.value("mu"));
    return new Prediction(
        interval.estimate(),
        interval.lower(),
        interval.upper(),
        fit.status(),
        interval.status(),
        total,
        expectedTotal);
  }

  /** The binned likelihood the predictions fit. */
  public BinnedTemplateNll likelihood() {
    return likelihood;
  }

  /** The belt the predictions are read from. */
  public NeymanBelt belt() {
    return belt;
  }

  /** The templates. */
  public TemplateStage.Templates templates() {
    return templates;
  }

  /** The trained models. */
  public TemplateStage.Models models() {
    return models;
  }

  /** Closes the models if this predictor loaded them. */
  @Override
  public void close() {
    if (owned) {
      models.cnfs().values().forEach(CnfSet::close);
      models.dnn().close();
    }
  }
}
