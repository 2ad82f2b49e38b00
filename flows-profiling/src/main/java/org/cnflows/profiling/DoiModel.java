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
import java.util.List;
import java.util.Map;
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
 * jointly), the trainable parameters are T's, nu (1 x K) and the class logits (1 x C, A = softmax);
 * the simulation densities are never updated. The nu and logits live in T's manager, so they go
 * with T's flow.
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

  /** Sets nu (e.g. to start a fit or after a refit). */
  public void setNu(double[] values) {
    if (values.length != nuisances) {
      throw new IllegalArgumentException(
          "nu has " + values.length + " values for " + nuisances + " nuisances");
    }
    float[] f = new float[nuisances];
    for (int k = 0; k < nuisances; k++) {
      f[k] = (float) values[k];
    }
    nu.getArray().set(f);
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
    long n = events.getShape().get(0);
    NDArray x = events.get(":, 0:" + dx);
    NDArray y = events.get(":, " + dx + ":");
    float[] hot = new float[classes];
    hot[c] = 1;
    NDArray oneHot = m.create(hot, new Shape(1, classes)).repeat(0, n);
    NDArray lx = kinematics.logProbTrusted(x, NDArrays.concat(new NDList(oneHot, nuRows), 1));
    Transformed t = doi.forwardTrusted(y, NDArrays.concat(new NDList(x, oneHot), 1));
    NDArray ly =
        features.logProbTrusted(t.value(), NDArrays.concat(new NDList(x, oneHot, nuRows), 1));
    return lx.add(ly).add(t.logDet());
  }

  /** log p(x, y | c, nu) at fixed nu, as a per-event function for the evaluator. */
  public EventFunction logJointAt(int c, double[] nuValues) {
    if (c < 0 || c >= classes) {
      throw new IllegalArgumentException("class = " + c + " outside [0, " + classes + ")");
    }
    float[] f = new float[nuisances];
    for (int k = 0; k < nuisances; k++) {
      f[k] = (float) nuValues[k];
    }
    return b -> {
      long n = b.x().getShape().get(0);
      NDArray rows = b.x().getManager().create(f, new Shape(1, nuisances)).repeat(0, n);
      return logJoint(b.x(), c, rows);
    };
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
    return new Objective<>() {
      @Override
      public int sources() {
        return 1;
      }

      @Override
      public NDArray compute(DoiModel model, List<Batch> batches) {
        Batch b = batches.get(0);
        NDManager m = b.x().getManager();
        long n = b.x().getShape().get(0);
        NDArray nuLocal = m.zeros(new Shape(1, model.nuisances)).add(model.nu.getArray());
        NDArray nuRows = m.zeros(new Shape(n, model.nuisances)).add(nuLocal);
        NDArray logA =
            m.zeros(new Shape(1, model.classes)).add(model.logits.getArray()).logSoftmax(1);
        NDArray total = null;
        for (int c = 0; c < model.classes; c++) {
          NDArray term = model.logJoint(b.x(), c, nuRows).add(logA.get(":, " + c));
          total = total == null ? term : logAddExp(total, term);
        }
        NDArray constraint = Scalars.over(nuLocal.square().sum(), 2 * dataEvents);
        return b.weightedMean(total).neg().add(constraint);
      }

      @Override
      public void checkSource(DoiModel model, int source, FeatureMatrix data) {
        if (data.dim() != model.eventDim()) {
          throw new IllegalArgumentException(
              "source "
                  + source
                  + " has dim = "
                  + data.dim()
                  + "; the DOI model takes events (x, y) of "
                  + model.eventDim()
                  + " columns");
        }
      }
    };
  }

  /** log(e^a + e^b) elementwise, stable. */
  static NDArray logAddExp(NDArray a, NDArray b) {
    NDArray max = a.maximum(b);
    return max.add(a.sub(max).exp().add(b.sub(max).exp()).log());
  }

  @Override
  public List<Parameter> trainableParameters() {
    List<Parameter> list = new ArrayList<>(doi.trainableParameters());
    list.add(nu);
    list.add(logits);
    return list;
  }

  @Override
  public NDManager manager() {
    return doi.manager();
  }

  @Override
  public void trained(TrainingRecord record) {
    doi.trained(record);
  }

  @Override
  public TrainingRecord training() {
    return doi.training();
  }

  /** Saves T with {@link FlowIO#save} and nu and the class fractions in {@code doi-fit.json}. */
  @Override
  public void save(Path directory) throws IOException {
    FlowIO.save(doi, directory);
    Files.writeString(
        directory.resolve("doi-fit.json"),
        Json.gson().toJson(Map.of("nu", nu(), "classFractions", fractions())));
  }
}
