package org.cnflows.profiling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.cnflows.common.FeatureMatrix;
import org.cnflows.common.Json;
import org.cnflows.flows.Batch;
import org.cnflows.flows.EventFunction;
import org.cnflows.flows.Flow;
import org.cnflows.flows.FlowIO;
import org.cnflows.flows.Objective;
import org.cnflows.flows.ResidualFlow;
import org.cnflows.flows.Scalars;
import org.cnflows.flows.Trainable;
import org.cnflows.flows.TrainingRecord;
import org.cnflows.flows.Transformed;
import org.cnflows.stats.GaussLegendre;

/**
 * The unbinned likelihood of data as a mixture of classes (processes) with nuisances nu and a
 * distribution of interest (DOI) T, after Valsecchi, Donega and Wallny (arXiv 2602.13184; seed 004,
 * "Likelihood fit"):
 *
 * <pre>
 *   p(x, y | nu) = sum_c A_c p(x | c, nu) p(T(y; x, c) | x, c, nu) |det dT/dy|,
 * </pre>
 *
 * with x the kinematics (D_x columns), y the features (D_y columns), one-hot classes c, the frozen
 * simulation densities p(x | c, nu) and p(y | x, c, nu) as {@link ResidualFlow}s (a nominal flow
 * composed with a factorizable residual), and T an invertible map of y conditioned on (x, c) that
 * takes data to simulation (a flow, near the identity at start). Events are the rows (x, y) of a
 * {@link FeatureMatrix}; the contexts are built on the device.
 *
 * <p>Trained with {@link #fitObjective} (step 1 of the paper: T, nu and the class fractions A_c
 * jointly), the trainable parameters are T's, nu (1 x K, unless {@link #holdNu held}) and the class
 * logits (1 x C, A = softmax); the simulation densities are never updated. The nu and logits live
 * in T's manager, so they go with T's flow.
 */
public final class DoiModel implements Trainable {

  private final ResidualFlow kinematics;
  private final ResidualFlow features;
  private final Flow doi;
  private final int classes;
  private final int nuisances;
  private final int dx;
  private final int dy;
  private final Parameter nu;
  private final Parameter logits;
  private final Flow profile;
  private final float[] center;
  private final double[] halfWidths;
  private final float[] heldAt;
  private boolean[] nuHeld;
  private boolean doiRefined;

  /**
   * @param kinematics p(x | c, nu): context (one-hot c, nu)
   * @param features p(y | x, c, nu): context (x, one-hot c, nu), same nuisances
   * @param doi T(y; x, c): dimension D_y, context (x, one-hot c)
   * @param classes C >= 2
   */
  public DoiModel(ResidualFlow kinematics, ResidualFlow features, Flow doi, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classes = " + classes + " must be at least 2");
    }
    this.kinematics = kinematics;
    this.features = features;
    this.doi = doi;
    this.classes = classes;
    this.nuisances = kinematics.nuisances();
    this.dx = kinematics.dim();
    this.dy = features.dim();
    if (kinematics.contextDim() != classes + nuisances) {
      throw new IllegalArgumentException(
          "kinematics contextDim = "
              + kinematics.contextDim()
              + ", expected classes + nuisances = "
              + (classes + nuisances));
    }
    if (features.nuisances() != nuisances || features.contextDim() != dx + classes + nuisances) {
      throw new IllegalArgumentException(
          "features contextDim = "
              + features.contextDim()
              + " with "
              + features.nuisances()
              + " nuisances, expected D_x + classes + nuisances = "
              + (dx + classes + nuisances)
              + " with "
              + nuisances);
    }
    if (doi.dim() != dy || doi.contextDim() != dx + classes) {
      throw new IllegalArgumentException(
          "DOI dim = "
              + doi.dim()
              + ", contextDim = "
              + doi.contextDim()
              + ", expected "
              + dy
              + " and D_x + classes = "
              + (dx + classes));
    }
    this.nu = zeros("nu", new Shape(1, nuisances));
    this.logits = zeros("classLogits", new Shape(1, classes));
    this.nuHeld = new boolean[nuisances];
    this.profile = null;
    this.center = null;
    this.halfWidths = null;
    this.heldAt = null;
  }

  /**
   * The amortized model of {@link #profiled} (heldAt null) or {@link #profiledFromTransport}: same
   * densities and T, nu and fractions copied.
   */
  private DoiModel(DoiModel fitted, Flow profile, double[] halfWidths, double[] heldAt) {
    this.kinematics = fitted.kinematics;
    this.features = fitted.features;
    this.doi = fitted.doi;
    this.classes = fitted.classes;
    this.nuisances = fitted.nuisances;
    this.dx = fitted.dx;
    this.dy = fitted.dy;
    this.nu = zeros("nu", new Shape(1, nuisances));
    this.logits = zeros("classLogits", new Shape(1, classes));
    nu.getArray().set(fitted.nu.getArray().toFloatArray());
    logits.getArray().set(fitted.logits.getArray().toFloatArray());
    this.nuHeld = new boolean[nuisances];
    this.profile = profile;
    this.center = fitted.nu.getArray().toFloatArray();
    this.halfWidths = halfWidths.clone();
    this.heldAt = heldAt == null ? null : toFloat(heldAt);
  }

  /**
   * Step 2 of the paper, amortized profiling: the DOI T frozen as fitted, composed with a profiling
   * flow P(.; x, c, nu - nu-hat) (dimension D_y, context D_x + C + K, the identity at nu = nu-hat,
   * e.g. one {@code LayerSpec.FactorizableLayer}) that learns, with {@link #profilingObjective},
   * how the best DOI moves with nu:
   *
   * <pre>
   *   p(x, y | nu) = sum_c A_c p(x | c, nu) p(P(T(y; x, c); x, c, nu - nu-hat) | x, c, nu)
   *                  |det dP/dT| |det dT/dy|,
   * </pre>
   *
   * so that a likelihood scan over nu is the profile over the DOI with no refit. nu-hat and the
   * fractions are this model's current values; the returned model trains P alone (and T with {@link
   * #refineDoi}), on the region nu-hat +- h of nu ({@link #profilingObjective}), and is a
   * likelihood of nu there only ({@link FlowMixtureNll} bounds the nuisances to it).
   *
   * @param halfWidths h_k per nuisance, positive
   * @throws IllegalArgumentException if this model is already profiled, P has the wrong shape or a
   *     half-width is not positive
   */
  public DoiModel profiled(Flow profile, double[] halfWidths) {
    checkProfiling(profile, halfWidths);
    return new DoiModel(this, profile, halfWidths, null);
  }

  /**
   * Step 2 started at its closed form: the amortized model of {@link #profiled} with the profiling
   * flow Q(.; x, c, nu - nu-hat) placed before the transport of the DOI along the y residual R_y,
   * from where T was fitted (nu-T) to nu:
   *
   * <pre>
   *   DOI at nu = R_y(.; x, c, nu)^-1 o R_y(.; x, c, nu-T) o Q(.; x, c, nu - nu-hat) o T,
   *   p(x, y | nu) = sum_c A_c p(x | c, nu) p(Q(T(y)) | x, c, nu-T) |det dQ/dT| |det dT/dy|.
   * </pre>
   *
   * The transport gives every event at nu the y density it had at nu-T (the y residual's Jacobians
   * cancel), so the y part is evaluated at nu-T and the residual's inverse is needed only to show
   * the map ({@link #mapFeatures}). With Q the identity (a zero-initialized factorizable layer) the
   * model is the closed-form profile over the DOI: if T is the best DOI at nu-T, the transported T
   * keeps each class's y density as it was there. That is exact for one class; with several, the
   * best y densities at nu also follow the class posteriors p(x | c, nu), which Q learns (trained
   * like P, with {@link #profilingObjective}). Why this start: step 2 from P = the identity (T
   * frozen) must learn the whole transport from the data's batches, and on toy T4 at 100,000 events
   * its trainings ended ~0.005 (0.5 sigma of x) about the closed form, on either side with the
   * training's length, and two full-scale runs 0.019 apart; from this start two trainings agreed to
   * 0.0003 and stayed within 0.0013 of the closed form. That agreement is the training not moving
   * over a narrow region (+-4 sigma): over +-12 sigma the same training moved step 2's minimum
   * 0.027 from the closed form (flows-profiling README, "Step 2's region at full scale").
   *
   * @param profile Q: dimension D_y, context D_x + C + K, the identity at nu = nu-hat
   * @param halfWidths h_k per nuisance, positive
   * @param heldAt nu-T, the nuisances at which T was fitted and the y density is held
   * @throws IllegalArgumentException as {@link #profiled}, or if heldAt has the wrong length or a
   *     value that is not finite
   */
  public DoiModel profiledFromTransport(Flow profile, double[] halfWidths, double[] heldAt) {
    checkProfiling(profile, halfWidths);
    nuisanceValues("heldAt", heldAt);
    return new DoiModel(this, profile, halfWidths, heldAt);
  }

  private void checkProfiling(Flow profile, double[] halfWidths) {
    if (this.profile != null) {
      throw new IllegalArgumentException("the model is already profiled (around nu-hat)");
    }
    if (profile.dim() != dy || profile.contextDim() != dx + classes + nuisances) {
      throw new IllegalArgumentException(
          "profiling flow dim = "
              + profile.dim()
              + ", contextDim = "
              + profile.contextDim()
              + ", expected "
              + dy
              + " and D_x + classes + nuisances = "
              + (dx + classes + nuisances));
    }
    if (!profile.device().equals(doi.device())) {
      throw new IllegalArgumentException(
          "profiling flow on " + profile.device() + " but the DOI on " + doi.device());
    }
    if (halfWidths.length != nuisances) {
      throw new IllegalArgumentException(
          halfWidths.length + " half-widths for " + nuisances + " nuisances");
    }
    for (int k = 0; k < nuisances; k++) {
      if (!(halfWidths[k] > 0) || Double.isInfinite(halfWidths[k])) {
        throw new IllegalArgumentException(
            "half-width " + k + " = " + halfWidths[k] + " must be finite and > 0");
      }
    }
  }

  /**
   * nu-T, where a model of {@link #profiledFromTransport} holds the y density, or null for the
   * others.
   */
  public double[] heldAt() {
    return heldAt == null ? null : toDouble(heldAt);
  }

  /** The half-widths h of the region nu-hat +- h of an amortized model, or null. */
  public double[] halfWidths() {
    return halfWidths == null ? null : halfWidths.clone();
  }

  /** The profiling flow P of an amortized model ({@link #profiled}), or null. */
  public Flow profile() {
    return profile;
  }

  /** nu-hat, the center of an amortized model's profiling flow, or null for a fitted model. */
  public double[] center() {
    return center == null ? null : toDouble(center);
  }

  private Parameter zeros(String name, Shape shape) {
    Parameter p =
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(shape)
            .optInitializer(Initializer.ZEROS)
            .build();
    p.initialize(doi.manager(), DataType.FLOAT32);
    return p;
  }

  /** p(x | c, nu). */
  public ResidualFlow kinematics() {
    return kinematics;
  }

  /** p(y | x, c, nu). */
  public ResidualFlow features() {
    return features;
  }

  /** The DOI flow T. */
  public Flow doi() {
    return doi;
  }

  /** D_x + D_y, the width of the events. */
  public int eventDim() {
    return dx + dy;
  }

  /** K. */
  public int nuisances() {
    return nuisances;
  }

  /** C. */
  public int classes() {
    return classes;
  }

  /** The current nu (fitted by {@link #fitObjective}). */
  public double[] nu() {
    return toDouble(nu.getArray().toFloatArray());
  }

  /**
   * Sets nu (e.g. to start a fit or after a refit).
   *
   * @throws IllegalArgumentException if there is not one finite value per nuisance
   */
  public void setNu(double[] values) {
    nu.getArray().set(nuisanceValues("nu", values));
  }

  /**
   * One finite value per nuisance as floats, or an error naming {@code what} and the count or the
   * value that is not finite.
   */
  private float[] nuisanceValues(String what, double[] values) {
    if (values.length != nuisances) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values for " + nuisances + " nuisances");
    }
    for (int k = 0; k < nuisances; k++) {
      if (!Double.isFinite(values[k])) {
        throw new IllegalArgumentException(what + " " + k + " = " + values[k] + " is not finite");
      }
    }
    return toFloat(values);
  }

  /**
   * Holds nu at its current value in {@link #fitObjective}'s training (T and the class fractions
   * still train) or frees it again. Why: from T = identity the data's distortion of y pulls nu at
   * once (nu moves y as the distortion does), and only later does T learn to undo it; along the
   * resulting ridge of (T, nu) Adam moves nu back by about one step size per step, so a joint fit
   * of a few hundred steps ends off the profile's minimum. T trained first at a held nu (the
   * kinematics' estimate) starts the joint fit near that ridge's floor.
   */
  public void holdNu(boolean held) {
    Arrays.fill(nuHeld, held);
  }

  /**
   * Holds the nuisances flagged true at their current values in {@link #fitObjective}'s training
   * and frees the others, which train with T and the class fractions: with one nuisance held at
   * each point of a grid, the fit is the profile over the DOI and the other nuisances at that
   * point, by explicit refits (what an amortized model approximates without them).
   *
   * @param held one flag per nuisance
   * @throws IllegalArgumentException if there is not one flag per nuisance
   */
  public void holdNu(boolean[] held) {
    if (held.length != nuisances) {
      throw new IllegalArgumentException(
          held.length + " hold flags for " + nuisances + " nuisances");
    }
    this.nuHeld = held.clone();
  }

  /**
   * nu as step 1's training sees it, in the batch's manager: the held nuisances' values without
   * their gradient, so that Adam leaves them where they are.
   */
  private NDArray trainedNu(NDManager m) {
    NDArray value = m.zeros(new Shape(1, nuisances)).add(nu.getArray());
    float[] heldMask = new float[nuisances];
    boolean any = false;
    for (int k = 0; k < nuisances; k++) {
      heldMask[k] = nuHeld[k] ? 1 : 0;
      any |= nuHeld[k];
    }
    if (!any) {
      return value;
    }
    NDArray mask = m.create(heldMask, new Shape(1, nuisances));
    return value.add(value.stopGradient().sub(value).mul(mask));
  }

  /**
   * Makes step 2's training of an amortized model refine T too, or not (the default: T frozen as
   * step 1 left it). T is then trained with the profiling flow, one T shared by every node of the
   * grid. The reason to: the profiling flow is the identity at nu-hat, so whatever T's fit left to
   * improve (independently of nu) the profiling flow can take up only away from nu-hat, as a gain
   * that grows with |nu - nu-hat| and flattens the profile about nu-hat; a trained T takes it up at
   * every nu alike. Measured on toy T4 at 100,000 events over +-12 sigma (flows-profiling README):
   * the frozen T put the minimum -0.015 / -0.001 from the true x-only fit, the refined one -0.0001
   * / +0.0095. T is one {@code Flow} with the fitted model's: that model sees the refined T
   * afterwards.
   *
   * @throws IllegalStateException if this model is not amortized
   */
  public void refineDoi(boolean refine) {
    if (profile == null) {
      throw new IllegalStateException(
          "only an amortized model's training can refine T (step 1 trains T anyway): build one"
              + " with profiled or profiledFromTransport first");
    }
    this.doiRefined = refine;
  }

  /** The class fractions A_c = softmax(logits). */
  public double[] fractions() {
    float[] l = logits.getArray().toFloatArray();
    double max = Double.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v);
    }
    double[] a = new double[l.length];
    double sum = 0;
    for (int c = 0; c < l.length; c++) {
      a[c] = Math.exp(l[c] - max);
      sum += a[c];
    }
    for (int c = 0; c < l.length; c++) {
      a[c] /= sum;
    }
    return a;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /**
   * log p(x, y | c, nu) of each event (rows (x, y)) for class c at per-row nuisances, without
   * validation; results and intermediates in the manager of the events.
   *
   * @param events shape (N, D_x + D_y)
   * @param c the class
   * @param nuRows shape (N, K)
   */
  public NDArray logJoint(NDArray events, int c, NDArray nuRows) {
    NDManager m = events.getManager();
    NDArray x = events.get(":, 0:" + dx);
    NDArray oneHot = oneHot(m, c, events.getShape().get(0));
    NDArray lx = kinematics.logProbTrusted(x, NDArrays.concat(new NDList(oneHot, nuRows), 1));
    return lx.add(logFeatures(events, c, nuRows));
  }

  /**
   * The y part of {@link #logJoint}: log p(T(y; x, c) | x, c, nu) + log |det dT/dy| (for an
   * amortized model with P(.; x, c, nu - nu-hat) after T; for one {@link #profiledFromTransport},
   * the density at nu-T of Q(T(y))), without validation.
   *
   * @param events shape (N, D_x + D_y)
   * @param c the class
   * @param nuRows shape (N, K)
   */
  public NDArray logFeatures(NDArray events, int c, NDArray nuRows) {
    NDManager m = events.getManager();
    NDArray x = events.get(":, 0:" + dx);
    NDArray y = events.get(":, " + dx + ":");
    NDArray oneHot = oneHot(m, c, events.getShape().get(0));
    Transformed t = doi.forwardTrusted(y, NDArrays.concat(new NDList(x, oneHot), 1));
    NDArray logDet = t.logDet();
    NDArray simulated = t.value();
    if (profile != null) {
      NDArray offset = nuRows.sub(m.create(center, new Shape(1, nuisances)));
      Transformed p =
          profile.forwardTrusted(simulated, NDArrays.concat(new NDList(x, oneHot, offset), 1));
      simulated = p.value();
      logDet = logDet.add(p.logDet());
    }
    NDArray yNu = heldAt == null ? nuRows : rows(m, heldAt, events.getShape().get(0));
    NDArray ly = features.logProbTrusted(simulated, NDArrays.concat(new NDList(x, oneHot, yNu), 1));
    return ly.add(logDet);
  }

  /**
   * The DOI of this model applied to features: T(y; x, c), then for an amortized model P(.; x, c,
   * nu - nu-hat) (for one {@link #profiledFromTransport}: Q, then the transport R_y(.; nu)^-1 o
   * R_y(.; nu-T)); the map from data to simulation at nu whose change with nu the pulls show.
   *
   * @param events shape (N, D_x + D_y)
   * @param c the class
   * @param nuRows shape (N, K)
   * @return shape (N, D_y)
   */
  public NDArray mapFeatures(NDArray events, int c, NDArray nuRows) {
    NDManager m = events.getManager();
    long n = events.getShape().get(0);
    NDArray x = events.get(":, 0:" + dx);
    NDArray oneHot = oneHot(m, c, n);
    NDArray value =
        doi.forwardTrusted(events.get(":, " + dx + ":"), NDArrays.concat(new NDList(x, oneHot), 1))
            .value();
    if (profile == null) {
      return value;
    }
    NDArray offset = nuRows.sub(m.create(center, new Shape(1, nuisances)));
    NDArray moved =
        profile.forwardTrusted(value, NDArrays.concat(new NDList(x, oneHot, offset), 1)).value();
    if (heldAt == null) {
      return moved;
    }
    Flow r = features.residual();
    NDArray base =
        r.forwardTrusted(moved, NDArrays.concat(new NDList(x, oneHot, rows(m, heldAt, n)), 1))
            .value();
    return r.inverse(base, NDArrays.concat(new NDList(x, oneHot, nuRows), 1)).value();
  }

  /** The same row of values n times, shape (n, values.length). */
  private static NDArray rows(NDManager m, float[] values, long n) {
    return m.create(values, new Shape(1, values.length)).repeat(0, n);
  }

  private NDArray oneHot(NDManager m, int c, long n) {
    float[] hot = new float[classes];
    hot[c] = 1;
    return rows(m, hot, n);
  }

  /** log p(x, y | c, nu) at fixed nu, as a per-event function for the evaluator. */
  public EventFunction logJointAt(int c, double[] nuValues) {
    return atFixedNu(c, nuValues, this::logJoint);
  }

  /**
   * The y part log p(T(y; x, c) | x, c, nu) + log |det dT/dy| at fixed nu ({@link #logFeatures}),
   * as a per-event function for the evaluator.
   */
  public EventFunction logFeaturesAt(int c, double[] nuValues) {
    return atFixedNu(c, nuValues, this::logFeatures);
  }

  /** A per-event function of (events, c, nu rows) at one class and fixed nu, the inputs checked. */
  private EventFunction atFixedNu(int c, double[] nuValues, PerClass f) {
    if (c < 0 || c >= classes) {
      throw new IllegalArgumentException("class = " + c + " outside [0, " + classes + ")");
    }
    float[] v = nuisanceValues("nu", nuValues);
    return b -> f.apply(b.x(), c, rows(b.x().getManager(), v, b.x().getShape().get(0)));
  }

  /** A per-event density of events for class c at per-row nuisances. */
  private interface PerClass {
    NDArray apply(NDArray events, int c, NDArray nuRows);
  }

  /**
   * Step 1: -(1/W) sum_i w_i log sum_c A_c p(x_i, y_i | c, nu) + |nu|^2 / (2 N), the extended
   * mixture likelihood per event with the unit Gaussian constraints of the nuisances spread over
   * the N data events, so that the minimum is the maximum-likelihood point of the whole data set.
   *
   * @param dataEvents N, the (weighted) number of data events
   */
  public static Objective<DoiModel> fitObjective(double dataEvents) {
    if (!(dataEvents >= 1)) {
      throw new IllegalArgumentException("dataEvents = " + dataEvents + " must be >= 1");
    }
    return objective(
        (model, b) -> {
          NDManager m = b.x().getManager();
          long n = b.x().getShape().get(0);
          NDArray nuLocal = model.trainedNu(m);
          NDArray nuRows = m.zeros(new Shape(n, model.nuisances)).add(nuLocal);
          NDArray constraint = Scalars.over(nuLocal.square().sum(), 2 * dataEvents);
          return b.weightedMean(model.logMixture(b.x(), nuRows)).neg().add(constraint);
        },
        (model, data) -> {
          if (model.profile != null) {
            throw new IllegalArgumentException(
                "the model is profiled: train its profiling flow with profilingObjective");
          }
          model.checkEvents(data, 0);
        });
  }

  /**
   * Step 2, the amortized profiling: the mean over events of the Gauss-Legendre average over a
   * tensor-product grid of offsets dnu of nu - nu-hat in [-h_k, h_k] ({@code nodes} per nuisance,
   * this model's region) of -log sum_c A_c p(x_i, y_i | c, nu-hat + dnu) at the fitted fractions.
   * Trains the profiling flow of a {@link #profiled} model alone, so that at every nu of the region
   * the DOI is the best one: the likelihood is then profiled over the DOI at each nu (nu-hat's own
   * T at dnu = 0, where P is the identity). The source is the data itself, rows (x, y) without
   * context (weights, e.g. a bootstrap's, allowed).
   *
   * <p>Why every node of each event in the same batch: P enters at first order as dnu A(y, x, c),
   * so an event's gradient at one node is dnu times its score, mean zero over the data and noise of
   * size dnu per event, while the signal that teaches A, the curvature of the likelihood in nu, is
   * of order dnu^2. With the nodes of an event in one batch the first-order terms of +dnu and -dnu
   * cancel exactly and the noise is of the signal's order. Measured on toy T4 at 20,000 events
   * (module README): with one random (event, node) pair per row and 1,500 steps the amortized
   * minimum stayed on step 1's nu-hat and its profile was up to 4.1 units of 2 Delta NLL off the
   * true x-only one over +-2 sigma; with every node of each event in the batch, 0.5.
   *
   * @param nodes Gauss-Legendre nodes per nuisance, >= 2
   */
  public static Objective<DoiModel> profilingObjective(int nodes) {
    if (nodes < 2 || nodes > GaussLegendre.MAXIMUM_NODES) {
      throw new IllegalArgumentException(
          "nodes = " + nodes + " must be in [2, " + GaussLegendre.MAXIMUM_NODES + "]");
    }
    return objective(
        (model, b) -> {
          NDManager m = b.x().getManager();
          long n = b.x().getShape().get(0);
          Grid grid = model.grid(nodes);
          int points = grid.weights().length;
          NDArray offsets = m.create(grid.offsets(), new Shape(points, model.nuisances));
          NDArray center = m.create(model.center, new Shape(1, model.nuisances));
          NDArray nuRows = offsets.add(center).repeat(0, n);
          NDArray events = b.x().tile(new long[] {points, 1});
          NDArray perNode = model.logMixture(events, nuRows).reshape(points, n);
          NDArray weights = m.create(grid.weights(), new Shape(points, 1));
          return b.weightedMean(perNode.mul(weights).sum(new int[] {0})).neg();
        },
        (model, data) -> {
          if (model.profile == null) {
            throw new IllegalArgumentException(
                "the model has no profiling flow: build one with profiled(flow, halfWidths)"
                    + " first");
          }
          model.checkEvents(data, 0);
        });
  }

  /**
   * The offsets (points x K, row-major, nuisance 0 fastest) and weights (summing to 1) of the
   * tensor-product Gauss-Legendre grid over nu-hat +- h of an amortized model.
   */
  record Grid(float[] offsets, float[] weights) {}

  Grid grid(int nodes) {
    int k = nuisances;
    GaussLegendre[] rules = new GaussLegendre[k];
    for (int j = 0; j < k; j++) {
      rules[j] = GaussLegendre.of(nodes, -halfWidths[j], halfWidths[j]);
    }
    int points = (int) Math.pow(nodes, k);
    float[] offsets = new float[points * k];
    double[] w = new double[points];
    double total = 0;
    for (int p = 0; p < points; p++) {
      w[p] = 1;
      int rest = p;
      for (int j = 0; j < k; j++) {
        int node = rest % nodes;
        rest /= nodes;
        offsets[p * k + j] = (float) rules[j].nodes()[node];
        w[p] *= rules[j].weights()[node];
      }
      total += w[p];
    }
    float[] weights = new float[points];
    for (int p = 0; p < points; p++) {
      weights[p] = (float) (w[p] / total);
    }
    return new Grid(offsets, weights);
  }

  /** A one-source objective from its loss and its check of the source. */
  private static Objective<DoiModel> objective(
      BiFunction<DoiModel, Batch, NDArray> loss, BiConsumer<DoiModel, FeatureMatrix> check) {
    return new Objective<>() {
      @Override
      public int sources() {
        return 1;
      }

      @Override
      public NDArray compute(DoiModel model, List<Batch> batches) {
        return loss.apply(model, batches.get(0));
      }

      @Override
      public void checkSource(DoiModel model, int source, FeatureMatrix data) {
        check.accept(model, data);
      }
    };
  }

  private void checkEvents(FeatureMatrix data, int contextDim) {
    if (data.dim() != eventDim() || data.contextDim() != contextDim) {
      throw new IllegalArgumentException(
          "the events have dim = "
              + data.dim()
              + ", contextDim = "
              + data.contextDim()
              + "; the DOI model takes events (x, y) of "
              + eventDim()
              + " columns with contextDim = "
              + contextDim);
    }
  }

  /** log sum_c A_c p(x, y | c, nu) per row, at the model's class fractions. */
  private NDArray logMixture(NDArray events, NDArray nuRows) {
    NDManager m = events.getManager();
    NDArray logA = m.zeros(new Shape(1, classes)).add(logits.getArray()).logSoftmax(1);
    NDArray total = null;
    for (int c = 0; c < classes; c++) {
      NDArray term = logJoint(events, c, nuRows).add(logA.get(":, " + c));
      total = total == null ? term : logAddExp(total, term);
    }
    return total;
  }

  /** log(e^a + e^b) elementwise, stable. */
  static NDArray logAddExp(NDArray a, NDArray b) {
    NDArray max = a.maximum(b);
    return max.add(a.sub(max).exp().add(b.sub(max).exp()).log());
  }

  @Override
  public List<Parameter> trainableParameters() {
    if (profile != null) {
      List<Parameter> list = new ArrayList<>(profile.trainableParameters());
      if (doiRefined) {
        list.addAll(doi.trainableParameters());
      }
      return list;
    }
    List<Parameter> list = new ArrayList<>(doi.trainableParameters());
    for (boolean held : nuHeld) {
      if (!held) {
        list.add(nu);
        break;
      }
    }
    list.add(logits);
    return list;
  }

  /** The flow being trained: P of an amortized model, else T. */
  private Flow trained() {
    return profile != null ? profile : doi;
  }

  @Override
  public NDManager manager() {
    return trained().manager();
  }

  @Override
  public void trained(TrainingRecord record) {
    trained().trained(record);
  }

  @Override
  public TrainingRecord training() {
    return trained().training();
  }

  /**
   * Saves T with {@link FlowIO#save} and nu and the class fractions in {@code doi-fit.json}; an
   * amortized model saves its P in {@code profile/} and nu-hat as {@code center} too.
   */
  @Override
  public void save(Path directory) throws IOException {
    FlowIO.save(doi, directory);
    Map<String, Object> fit = new java.util.LinkedHashMap<>();
    fit.put("nu", nu());
    fit.put("classFractions", fractions());
    if (profile != null) {
      FlowIO.save(profile, directory.resolve("profile"));
      fit.put("center", center());
      if (heldAt != null) {
        fit.put("heldAt", heldAt());
      }
    }
    Files.writeString(directory.resolve("doi-fit.json"), Json.gson().toJson(fit));
  }
}
