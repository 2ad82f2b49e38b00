package org.cnflows.flows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cnflows.common.FeatureMatrix;

/**
 * A density with systematic variations (Valsecchi, Donega and Wallny, arXiv 2602.13184; seed 004,
 * "Systematic uncertainty as a transformation"): a frozen nominal flow composed with a residual
 * flow R trained on its own,
 *
 * <pre>
 *   log p(x | c, nu) = log p_base(R(x; c, nu) | c) + log |det dR/dx|,
 * </pre>
 *
 * where the context of R is (c, nu): the base flow's context followed by the nuisances, and R's
 * layers are typically {@link FactorizableResidual}s, the identity at nu = 0, so that p(x | c, 0)
 * is the base density exactly. Only R is trained (its parameters are the trainable ones; the base
 * is never updated); saving saves R alone (the base is saved on its own, as the flow it is). The
 * objective {@link #MAXIMUM_LIKELIHOOD} trains R on events tagged with their nuisance values, e.g.
 * templates with one nuisance at +-1 sigma and the others nominal.
 *
 * <p>Not thread-safe while training; concurrent evaluation is safe. Closing is the flows' owners'
 * business.
 */
public final class ResidualFlow implements Trainable {

  /** Maximum likelihood of R on events whose context is (c, nu): the mean of -log p(x | c, nu). */
  public static final Objective<ResidualFlow> MAXIMUM_LIKELIHOOD =
      new Objective<>() {
        @Override
        public int sources() {
          return 1;
        }

        @Override
        public NDArray compute(ResidualFlow model, List<Batch> batches) {
          Batch b = batches.get(0);
          return b.weightedMean(model.logProbTrusted(b.x(), b.context())).neg();
        }

        @Override
        public void checkSource(ResidualFlow model, int source, FeatureMatrix data) {
          if (data.dim() != model.dim() || data.contextDim() != model.contextDim()) {
            throw new IllegalArgumentException(
                "source "
                    + source
                    + " has dim = "
                    + data.dim()
                    + ", contextDim = "
                    + data.contextDim()
                    + "; the residual flow takes dim = "
                    + model.dim()
                    + ", contextDim = "
                    + model.contextDim()
                    + " (the base's context then the nuisances)");
          }
        }
      };

  private final Flow base;
  private final Flow residual;

  /**
   * @param base the nominal density p_base(x | c), context width C
   * @param residual R, of the base's dimension, context width C + K (K >= 1 nuisances), on the
   *     base's device
   */
  public ResidualFlow(Flow base, Flow residual) {
    if (base.dim() != residual.dim()) {
      throw new IllegalArgumentException(
          "base dim = " + base.dim() + " but residual dim = " + residual.dim());
    }
    if (residual.contextDim() <= base.contextDim()) {
      throw new IllegalArgumentException(
          "residual contextDim = "
              + residual.contextDim()
              + " must exceed the base's "
              + base.contextDim()
              + " by the number of nuisances");
    }
    if (!base.device().equals(residual.device())) {
      throw new IllegalArgumentException(
          "base on " + base.device() + " but residual on " + residual.device());
    }
    this.base = base;
    this.residual = residual;
  }

  /** The nominal flow. */
  public Flow base() {
    return base;
  }

  /** The residual flow R. */
  public Flow residual() {
    return residual;
  }

  /** D. */
  public int dim() {
    return base.dim();
  }

  /** C + K: the base's context then the nuisances. */
  public int contextDim() {
    return residual.contextDim();
  }

  /** K, the number of nuisances. */
  public int nuisances() {
    return residual.contextDim() - base.contextDim();
  }

  /**
   * log p(x | c, nu) without validation (for training and {@link BatchEvaluator}); the results and
   * intermediates live in the manager of x.
   *
   * @param x shape (N, D)
   * @param context shape (N, C + K): c then nu
   */
  public NDArray logProbTrusted(NDArray x, NDArray context) {
    Transformed r = transform(x, context);
    NDArray baseContext =
        base.contextDim() == 0
            ? null
            : Slices.widths(context, 1, base.contextDim(), nuisances()).get(0);
    return base.logProbTrusted(r.value(), baseContext).add(r.logDet());
  }

  /** R(x; c, nu) and log |det dR/dx|, without validation. */
  public Transformed transform(NDArray x, NDArray context) {
    return residual.forwardTrusted(x, context);
  }

  /** This density as a per-event function of events whose context is (c, nu). */
  public EventFunction logProb() {
    return b -> logProbTrusted(b.x(), b.context());
  }

  @Override
  public List<Parameter> trainableParameters() {
    return residual.trainableParameters();
  }

  @Override
  public NDManager manager() {
    return residual.manager();
  }

  @Override
  public void trained(TrainingRecord record) {
    residual.trained(record);
  }

  @Override
  public TrainingRecord training() {
    return residual.training();
  }

  /** Saves R with {@link FlowIO#save}. */
  @Override
  public void save(Path directory) throws IOException {
    FlowIO.save(residual, directory);
  }
}
