package org.cnflows.higgsml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.cnflows.higgsml.internal.Poisson;

/**
 * How close synthetic events come to a real sample: the realism report of {@link
 * SyntheticGenerator}. Both samples go through {@link Systematics} (soft_met = 0) at the nominal
 * point and at tes and jes shifted by {@link #SHIFT} either way; then, each synthetic figure beside
 * the real one with its statistical error:
 *
 * <ul>
 *   <li>S/B and background mix (weighted, 10 fb^-1 yields) in the fixed {@link #WINDOWS} and per
 *       jet category; the background per GeV in DER_mass_vis [90, 105) GeV; jets per event and GeV
 *       in pt (26, 32] GeV, the density the jes migration across the 26 GeV threshold feeds on.
 *   <li>Responses per +1% of tes and of jes, in % of the nominal value, from the central difference
 *       at +-{@link #SHIFT}: post-selection efficiency of signal and background, the background's
 *       jet-category fractions, signal and background yields in each window. jes enters neither the
 *       post-selection nor DER_mass_vis, so its efficiency responses and those of the windows
 *       without an mT cut are 0 by construction and left out.
 *   <li>The shift of a counting estimate of mu in two windows per 1-sigma (1%) tes, beside the
 *       estimate's Poisson error in 10 fb^-1.
 *   <li>Per feature and jet category, the weighted KS distance of the nominal events with its
 *       resolution (the 95% quantile for two samples of one distribution, Kish effective sizes).
 * </ul>
 *
 * Statistical errors: the real sample's by a Poisson bootstrap of its events (every figure
 * recomputed from the same systematics applications with Poisson(1) multiplicities per event); the
 * synthetic sample's from {@code batches} interleaved batches of its events (standard deviation of
 * the batch figures over sqrt(batches)). Targets: S/B and the background density within a factor
 * 1.5; responses within 1.5 where the real response is resolved (more than 2 errors from 0), within
 * 2 otherwise; a figure passes when some value within the combined 1-sigma error of the real one is
 * within the factor of the synthetic one. A response whose real bootstrap error is 0 has no target:
 * no real event crosses an edge at the shifted points, so the sample cannot test it. Figures
 * without a target are reported for reading.
 */
public final class GeneratorRealism {
  /** Relative tes and jes shift, either way, of the response figures. */
  public static final double SHIFT = 0.03;

  /** The DER_mass_vis range (GeV) of the background density figure. */
  public static final double[] DENSITY_RANGE = {90, 105};

  /** The jet pt range (GeV) of the jet density figure. */
  public static final double[] JET_DENSITY_RANGE = {26, 32};

  /** Target factor of S/B, the background density and resolved responses. */
  public static final double FACTOR = 1.5;

  /** Target factor of responses the real sample does not resolve. */
  public static final double UNRESOLVED_FACTOR = 2.0;

  /**
   * A fixed selection window: DER_mass_vis in [lo, hi) GeV and DER_mass_transverse_met_lep below
   * mtMax GeV.
   *
   * @param name label in the report
   * @param lo lower DER_mass_vis edge (GeV)
   * @param hi upper DER_mass_vis edge (GeV)
   * @param mtMax upper DER_mass_transverse_met_lep edge (GeV), infinite for none
   */
  public record Window(String name, double lo, double hi, double mtMax) {
    boolean contains(float mass, float mt) {
      return mass >= lo && mass < hi && mt < mtMax;
    }
  }

  /** The report's windows: below, on and above the Higgs peak in DER_mass_vis, and a tight one. */
  public static final List<Window> WINDOWS =
      List.of(
          new Window("mvis 60-90", 60, 90, Double.POSITIVE_INFINITY),
          new Window("mvis 90-115", 90, 115, Double.POSITIVE_INFINITY),
          new Window("mvis 90-115, mT < 30", 90, 115, 30),
          new Window("mvis 115-150", 115, 150, Double.POSITIVE_INFINITY));

  /**
   * One figure of the report.
   *
   * @param name what is measured
   * @param synthetic the synthetic value
   * @param syntheticError its statistical error
   * @param real the real sample's value
   * @param realError its statistical error
   * @param factor the target factor, or NaN for a figure reported without a target
   */
  public record Figure(
      String name,
      double synthetic,
      double syntheticError,
      double real,
      double realError,
      double factor) {
    /** Whether the real value is more than two errors from 0. */
    public boolean resolved() {
      return Math.abs(real) > 2 * realError;
    }

    /** Synthetic over real. */
    public double ratio() {
      return synthetic / real;
    }

    /** Whether the figure has a target. */
    public boolean targeted() {
      return !Double.isNaN(factor);
    }

    /**
     * Whether [synthetic / factor, synthetic * factor] meets the real value's interval of +-1
     * combined error (false for a figure without a target).
     */
    public boolean passes() {
      if (!targeted()) {
        return false;
      }
      double sigma = Math.hypot(realError, syntheticError);
      double lo = Math.min(synthetic / factor, synthetic * factor);
      double hi = Math.max(synthetic / factor, synthetic * factor);
      return hi >= real - sigma && lo <= real + sigma;
    }
  }

  /**
   * The KS distances of one feature against the real sample, all events and per jet category.
   *
   * @param feature the feature
   * @param distance all events, then {@link JetCategory} order; NaN where the feature is not used
   * @param resolution the 95% quantile of the distance between two samples of one distribution of
   *     these sizes, in the same order
   */
  public record KsRow(String feature, double[] distance, double[] resolution) {}

  /**
   * The report.
   *
   * @param syntheticEvents synthetic events before the post-selection
   * @param realEvents real events before the post-selection
   * @param figures the figures in report order
   * @param ks one row per feature in {@link Columns#FEATURES} order (empty from {@link
   *     #compareSignal})
   */
  public record Report(int syntheticEvents, int realEvents, List<Figure> figures, List<KsRow> ks) {
    /** The figure of this name. */
    public Figure figure(String name) {
      return figures.stream()
          .filter(f -> f.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no figure '" + name + "'"));
    }

    /** The KS row of a feature. */
    public KsRow ks(String feature) {
      return ks.stream()
          .filter(r -> r.feature().equals(feature))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no KS row '" + feature + "'"));
    }

    /** The figures as a markdown table. */
    public String figureTable() {
      StringBuilder s =
          new StringBuilder(
              "| figure | synthetic | real | synthetic / real | target | real resolved | pass |\n");
      s.append("| --- | --- | --- | --- | --- | --- | --- |\n");
      for (Figure f : figures) {
        s.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %.2f | %s | %s | %s |%n",
                f.name(),
                valueWithError(f.synthetic(), f.syntheticError()),
                valueWithError(f.real(), f.realError()),
                f.ratio(),
                f.targeted() ? String.format(Locale.ROOT, "x%.1f", f.factor()) : "-",
                f.resolved() ? "yes" : "no",
                f.targeted() ? (f.passes() ? "yes" : "NO") : "-"));
      }
      return s.toString();
    }

    /** The KS distances as a markdown table, each cell "distance (resolution)". */
    public String ksTable() {
      StringBuilder s = new StringBuilder("| feature | all | 0 jets | 1 jet | >= 2 jets |\n");
      s.append("| --- | --- | --- | --- | --- |\n");
      for (KsRow r : ks) {
        s.append("| ").append(r.feature());
        for (int c = 0; c < r.distance().length; c++) {
          s.append(" | ");
          s.append(
              Double.isNaN(r.distance()[c])
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f (%.3f)", r.distance()[c], r.resolution()[c]));
        }
        s.append(" |\n");
      }
      return s.toString();
    }

    private static String valueWithError(double v, double e) {
      return String.format(Locale.ROOT, "%.3g +- %.2g", v, e);
    }
  }

  private static final NuisanceParameters[] SETTINGS = {
    NuisanceParameters.NOMINAL,
    new NuisanceParameters(1 - SHIFT, 1, 0, 1, 1, 1),
    new NuisanceParameters(1 + SHIFT, 1, 0, 1, 1, 1),
    new NuisanceParameters(1, 1 - SHIFT, 0, 1, 1, 1),
    new NuisanceParameters(1, 1 + SHIFT, 0, 1, 1, 1)
  };
  private static final int NOMINAL = 0;
  private static final int TES_DOWN = 1;
  private static final int TES_UP = 2;
  private static final int JES_DOWN = 3;
  private static final int JES_UP = 4;

  /** Observables summed per setting and class: kept, 3 categories, windows, density, jets. */
  private static final int KEPT = 0;

  private static final int CATEGORY = 1;
  private static final int WINDOW = CATEGORY + 3;
  private static final int DENSITY = WINDOW + WINDOWS.size();
  private static final int JETS = DENSITY + 1;
  private static final int OBSERVABLES = JETS + 1;
  private static final int CLASSES = PhysicsProcess.CHALLENGE.size();
  private static final String[] CATEGORY_NAMES = {"0 jets", "1 jet", ">= 2 jets"};

  private GeneratorRealism() {}

  /**
   * Compares synthetic events with a real sample.
   *
   * @param synthetic synthetic events as generated (before systematics)
   * @param real the real events as read (before systematics), with the four challenge processes
   * @param batches batches for the synthetic errors (>= 2)
   * @param replicas bootstrap replicas for the real errors (>= 2)
   * @param seed seed of the bootstrap
   */
  public static Report compare(
      EventTable synthetic, EventTable real, int batches, int replicas, long seed) {
    return report(definitions(), synthetic, real, batches, replicas, seed, true);
  }

  /**
   * Compares the signal (htautau) events alone with those of a real sample whose background may be
   * unlabelled (the 2014 CSV): the signal's shares of the windows and jet categories, its
   * efficiency and window yields per 1% of tes and the mT window's yield per 1% of jes. The 2014
   * sample holds about 16 times the 2025 sample's signal events, so it resolves the signal's
   * responses that the 2025 sample leaves at one or two events. No KS distances (the report's
   * {@code ks} is empty): the 2014 simulation is the 2012 ATLAS one at 8 TeV with jets above 30
   * GeV, so its kinematics differ from 2025's by more than the generator does.
   *
   * @param synthetic synthetic events as generated, with signal
   * @param real real events as read, with signal
   * @param batches batches for the synthetic errors (>= 2)
   * @param replicas bootstrap replicas for the real errors (>= 2)
   * @param seed seed of the bootstrap
   * @throws IllegalArgumentException if either table has no signal event
   */
  public static Report compareSignal(
      EventTable synthetic, EventTable real, int batches, int replicas, long seed) {
    return report(
        signalDefinitions(),
        signalOf(synthetic, "synthetic"),
        signalOf(real, "real"),
        batches,
        replicas,
        seed,
        false);
  }

  private static EventTable signalOf(EventTable events, String which) {
    byte signal = (byte) PhysicsProcess.HTAUTAU.ordinal();
    byte[] processes = events.processes();
    int[] rows = IntStream.range(0, events.size()).filter(i -> processes[i] == signal).toArray();
    if (rows.length == 0) {
      throw new IllegalArgumentException(
          "the " + which + " table has no signal (htautau) event among its " + events.size());
    }
    return events.select(rows);
  }

  private static Report report(
      List<Definition> definitions,
      EventTable synthetic,
      EventTable real,
      int batches,
      int replicas,
      long seed,
      boolean withKs) {
    if (batches < 2 || replicas < 2) {
      throw new IllegalArgumentException(
          "batches " + batches + " and replicas " + replicas + " must be >= 2");
    }
    EventTable[] nominal = new EventTable[2];
    Shifted[] syn = shifted(synthetic, nominal, 0);
    Shifted[] rea = shifted(real, nominal, 1);

    Counters synAll = Counters.of(synthetic, syn, null);
    Counters[] synBatches = new Counters[batches];
    for (int k = 0; k < batches; k++) {
      double[] m = new double[synthetic.size()];
      for (int i = k; i < m.length; i += batches) {
        m[i] = batches;
      }
      synBatches[k] = Counters.of(synthetic, syn, m);
    }
    Counters realAll = Counters.of(real, rea, null);
    Counters[] realReplicas = new Counters[replicas];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int r = 0; r < replicas; r++) {
      double[] m = new double[real.size()];
      for (int i = 0; i < m.length; i++) {
        m[i] = Poisson.sample(rng, 1.0);
      }
      realReplicas[r] = Counters.of(real, rea, m);
    }

    List<Figure> figures = new ArrayList<>();
    for (Definition d : definitions) {
      double s = d.value.applyAsDouble(synAll);
      double sErr = spread(synBatches, d.value) / Math.sqrt(batches);
      double r = d.value.applyAsDouble(realAll);
      double rErr = spread(realReplicas, d.value);
      double factor = d.kind == Kind.INFO ? Double.NaN : FACTOR;
      if (d.kind == Kind.RESPONSE && !(Math.abs(r) > 2 * rErr)) {
        factor = rErr > 0 ? UNRESOLVED_FACTOR : Double.NaN;
      }
      figures.add(new Figure(d.name, s, sErr, r, rErr, factor));
    }
    List<KsRow> ks = withKs ? ks(nominal[0], nominal[1]) : List.of();
    return new Report(synthetic.size(), real.size(), figures, ks);
  }

  private enum Kind {
    TARGET,
    RESPONSE,
    INFO
  }

  private record Definition(String name, Kind kind, ToDoubleFunction<Counters> value) {}

  private static List<Definition> definitions() {
    List<Definition> d = new ArrayList<>();
    for (int w = 0; w < WINDOWS.size(); w++) {
      int o = WINDOW + w;
      String n = WINDOWS.get(w).name();
      d.add(
          new Definition("S/B, " + n, Kind.TARGET, c -> c.signal(NOMINAL, o) / c.bkg(NOMINAL, o)));
      d.add(new Definition("Z share of B, " + n, Kind.INFO, c -> c.share(NOMINAL, o, 1)));
      d.add(new Definition("ttbar share of B, " + n, Kind.INFO, c -> c.share(NOMINAL, o, 2)));
    }
    d.add(
        new Definition(
            String.format(
                Locale.ROOT, "B per GeV, mvis %.0f-%.0f", DENSITY_RANGE[0], DENSITY_RANGE[1]),
            Kind.TARGET,
            c -> c.bkg(NOMINAL, DENSITY) / (DENSITY_RANGE[1] - DENSITY_RANGE[0])));
    String[] categories = CATEGORY_NAMES;
    for (int k = 0; k < 3; k++) {
      int o = CATEGORY + k;
      d.add(
          new Definition(
              "S/B, " + categories[k], Kind.INFO, c -> c.signal(NOMINAL, o) / c.bkg(NOMINAL, o)));
      d.add(
          new Definition("Z share of B, " + categories[k], Kind.INFO, c -> c.share(NOMINAL, o, 1)));
      d.add(
          new Definition(
              "ttbar share of B, " + categories[k], Kind.INFO, c -> c.share(NOMINAL, o, 2)));
    }
    d.add(
        new Definition(
            String.format(
                Locale.ROOT,
                "jets per event and GeV, pt %.0f-%.0f",
                JET_DENSITY_RANGE[0],
                JET_DENSITY_RANGE[1]),
            Kind.INFO,
            c ->
                (c.signal(NOMINAL, JETS) + c.bkg(NOMINAL, JETS))
                    / (c.signal(NOMINAL, KEPT) + c.bkg(NOMINAL, KEPT))
                    / (JET_DENSITY_RANGE[1] - JET_DENSITY_RANGE[0])));
    String[] names = {"tes", "jes"};
    int[][] shifts = {{TES_DOWN, TES_UP}, {JES_DOWN, JES_UP}};
    for (int a = 0; a < 2; a++) {
      int down = shifts[a][0];
      int up = shifts[a][1];
      String per = " per 1% " + names[a] + " (%)";
      boolean tes = a == 0;
      if (tes) {
        d.add(
            new Definition(
                "S efficiency" + per,
                Kind.RESPONSE,
                c -> response(c.signal(down, KEPT), c.signal(NOMINAL, KEPT), c.signal(up, KEPT))));
        d.add(
            new Definition(
                "B efficiency" + per,
                Kind.RESPONSE,
                c -> response(c.bkg(down, KEPT), c.bkg(NOMINAL, KEPT), c.bkg(up, KEPT))));
      }
      for (int k = 0; k < 3; k++) {
        int o = CATEGORY + k;
        d.add(
            new Definition(
                "B fraction " + categories[k] + per,
                Kind.RESPONSE,
                c ->
                    response(
                        c.bkg(down, o) / c.bkg(down, KEPT),
                        c.bkg(NOMINAL, o) / c.bkg(NOMINAL, KEPT),
                        c.bkg(up, o) / c.bkg(up, KEPT))));
      }
      for (int w = 0; w < WINDOWS.size(); w++) {
        if (!tes && Double.isInfinite(WINDOWS.get(w).mtMax())) {
          continue;
        }
        int o = WINDOW + w;
        String n = WINDOWS.get(w).name();
        d.add(
            new Definition(
                "S yield, " + n + per,
                Kind.RESPONSE,
                c -> response(c.signal(down, o), c.signal(NOMINAL, o), c.signal(up, o))));
        d.add(
            new Definition(
                "B yield, " + n + per,
                Kind.RESPONSE,
                c -> response(c.bkg(down, o), c.bkg(NOMINAL, o), c.bkg(up, o))));
      }
    }
    for (int w : new int[] {1, 2}) {
      int o = WINDOW + w;
      String n = WINDOWS.get(w).name();
      d.add(
          new Definition(
              "mu shift per 1-sigma tes, " + n,
              Kind.INFO,
              c ->
                  (c.total(TES_UP, o) - c.total(TES_DOWN, o))
                      / (2 * SHIFT / 0.01)
                      / c.signal(NOMINAL, o)));
      d.add(
          new Definition(
              "mu Poisson error, " + n,
              Kind.INFO,
              c -> Math.sqrt(c.total(NOMINAL, o)) / c.signal(NOMINAL, o)));
    }
    return d;
  }

  /**
   * The signal's figures: its shares of the windows (targets) and of the jet categories (reported:
   * the 2014 sample stores jets above 30 GeV only, at 8 TeV), its efficiency and window yields per
   * 1% of tes, and the yield of the mT window per 1% of jes (responses). The other jes responses
   * are 0 or structural there: jes moves neither the efficiency nor DER_mass_vis, and with no 2014
   * jet below 30 GeV no jet crosses the 26 GeV threshold when jes moves by 3%.
   */
  private static List<Definition> signalDefinitions() {
    List<Definition> d = new ArrayList<>();
    for (int w = 0; w < WINDOWS.size(); w++) {
      int o = WINDOW + w;
      d.add(
          new Definition(
              "S share, " + WINDOWS.get(w).name(),
              Kind.TARGET,
              c -> c.signal(NOMINAL, o) / c.signal(NOMINAL, KEPT)));
    }
    for (int k = 0; k < 3; k++) {
      int o = CATEGORY + k;
      d.add(
          new Definition(
              "S share, " + CATEGORY_NAMES[k],
              Kind.INFO,
              c -> c.signal(NOMINAL, o) / c.signal(NOMINAL, KEPT)));
    }
    String per = " per 1% tes (%)";
    d.add(
        new Definition(
            "S efficiency" + per,
            Kind.RESPONSE,
            c ->
                response(
                    c.signal(TES_DOWN, KEPT), c.signal(NOMINAL, KEPT), c.signal(TES_UP, KEPT))));
    for (int w = 0; w < WINDOWS.size(); w++) {
      int o = WINDOW + w;
      d.add(
          new Definition(
              "S yield, " + WINDOWS.get(w).name() + per,
              Kind.RESPONSE,
              c -> response(c.signal(TES_DOWN, o), c.signal(NOMINAL, o), c.signal(TES_UP, o))));
    }
    for (int w = 0; w < WINDOWS.size(); w++) {
      if (Double.isInfinite(WINDOWS.get(w).mtMax())) {
        continue;
      }
      int o = WINDOW + w;
      d.add(
          new Definition(
              "S yield, " + WINDOWS.get(w).name() + " per 1% jes (%)",
              Kind.RESPONSE,
              c -> response(c.signal(JES_DOWN, o), c.signal(NOMINAL, o), c.signal(JES_UP, o))));
    }
    return d;
  }

  /** Relative change in % per +1% of the nuisance, from the central difference. */
  private static double response(double down, double nominal, double up) {
    return (up - down) / nominal / (2 * SHIFT);
  }

  /** Standard deviation of a figure over replicas, ignoring non-finite replica values. */
  private static double spread(Counters[] replicas, ToDoubleFunction<Counters> value) {
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (Counters c : replicas) {
      double v = value.applyAsDouble(c);
      if (Double.isFinite(v)) {
        sum += v;
        sumSq += v * v;
        n++;
      }
    }
    if (n < 2) {
      return Double.NaN;
    }
    double mean = sum / n;
    return Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
  }

  /** The kept events of one systematics setting, reduced to what the counters read. */
  private record Shifted(
      int[] rows, float[] mass, float[] mt, float[] nJets, float[] j1, float[] j2, float[] w) {}

  private static Shifted[] shifted(EventTable raw, EventTable[] nominal, int slot) {
    Shifted[] out = new Shifted[SETTINGS.length];
    for (int s = 0; s < SETTINGS.length; s++) {
      SystematicsResult r = Systematics.apply(raw, SETTINGS[s], new SplittableRandom(0));
      EventTable e = r.events();
      out[s] =
          new Shifted(
              r.keptRows(),
              e.column(Columns.DER_MASS_VIS),
              e.column(Columns.DER_MASS_TRANSVERSE_MET_LEP),
              e.column(Columns.PRI_N_JETS),
              e.column(Columns.PRI_JET_LEADING_PT),
              e.column(Columns.PRI_JET_SUBLEADING_PT),
              e.weights());
      if (s == NOMINAL) {
        nominal[slot] = e;
      }
    }
    return out;
  }

  /** Weighted sums [setting][observable][class] with per-event multiplicities. */
  private record Counters(double[][][] sums) {
    static Counters of(EventTable raw, Shifted[] shifted, double[] multiplier) {
      double[][][] sums = new double[SETTINGS.length][OBSERVABLES][CLASSES];
      byte[] processes = raw.processes();
      for (int s = 0; s < shifted.length; s++) {
        Shifted h = shifted[s];
        double[][] o = sums[s];
        for (int k = 0; k < h.rows.length; k++) {
          int row = h.rows[k];
          double w = multiplier == null ? h.w[k] : h.w[k] * multiplier[row];
          if (w == 0) {
            continue;
          }
          int c = classOf(processes[row]);
          o[KEPT][c] += w;
          o[CATEGORY + JetCategory.of(h.nJets[k]).ordinal()][c] += w;
          for (int win = 0; win < WINDOWS.size(); win++) {
            if (WINDOWS.get(win).contains(h.mass[k], h.mt[k])) {
              o[WINDOW + win][c] += w;
            }
          }
          if (h.mass[k] >= DENSITY_RANGE[0] && h.mass[k] < DENSITY_RANGE[1]) {
            o[DENSITY][c] += w;
          }
          int jets = (inJetRange(h.j1[k]) ? 1 : 0) + (inJetRange(h.j2[k]) ? 1 : 0);
          o[JETS][c] += w * jets;
        }
      }
      return new Counters(sums);
    }

    double signal(int setting, int observable) {
      return sums[setting][observable][0];
    }

    double bkg(int setting, int observable) {
      double[] v = sums[setting][observable];
      return v[1] + v[2] + v[3];
    }

    double total(int setting, int observable) {
      return signal(setting, observable) + bkg(setting, observable);
    }

    double share(int setting, int observable, int process) {
      return sums[setting][observable][process] / bkg(setting, observable);
    }
  }

  private static boolean inJetRange(float pt) {
    return pt > JET_DENSITY_RANGE[0] && pt <= JET_DENSITY_RANGE[1];
  }

  private static int classOf(byte process) {
    int c = PhysicsProcess.CHALLENGE.indexOf(PhysicsProcess.ofOrdinal(process));
    if (c < 0) {
      throw new IllegalArgumentException(
          "process " + PhysicsProcess.ofOrdinal(process) + " is not one of the challenge's four");
    }
    return c;
  }

  private static List<KsRow> ks(EventTable synthetic, EventTable real) {
    JetCategory[] categories = JetCategory.values();
    EventTable[][] split = new EventTable[2][categories.length + 1];
    split[0][0] = synthetic;
    split[1][0] = real;
    for (int k = 0; k < categories.length; k++) {
      split[0][k + 1] = synthetic.select(categories[k].rows(synthetic));
      split[1][k + 1] = real.select(categories[k].rows(real));
    }
    List<KsRow> rows = new ArrayList<>();
    for (String f : Columns.FEATURES) {
      double[] d = new double[categories.length + 1];
      double[] res = new double[categories.length + 1];
      Arrays.fill(d, Double.NaN);
      Arrays.fill(res, Double.NaN);
      for (int k = 0; k <= categories.length; k++) {
        if (k == 0 || categories[k - 1].features().contains(f)) {
          d[k] = WeightedKs.distance(split[0][k], split[1][k], f);
          res[k] = WeightedKs.resolution(split[0][k], split[1][k], f);
        }
      }
      rows.add(new KsRow(f, d, res));
    }
    return rows;
  }
}
