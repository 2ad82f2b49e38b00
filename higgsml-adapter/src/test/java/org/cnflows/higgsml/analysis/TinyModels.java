package org.cnflows.higgsml.analysis;

import ai.djl.Device;
import java.util.Map;
import org.cnflows.contrastive.Classifier;
import org.cnflows.contrastive.CnfSet;
import org.cnflows.flows.TrainingListener;
import org.cnflows.higgsml.EventTable;
import org.cnflows.higgsml.JetCategory;
import org.cnflows.higgsml.Preprocessor;
import org.cnflows.higgsml.SyntheticGenerator;

/**
 * The analysis's trained models at a tiny scale for tests of the later stages' mechanics: 1500
 * synthetic events per process, CNFs of 2 couplings of width 16 (60 steps), a 2 x 32 DNN on 4
 * sub-datasets of 2000 events (200 steps); or the same DNN without CNFs (the comparison methods').
 * Closing it closes the models.
 */
final class TinyModels implements AutoCloseable {
  final EventTable pool;
  final TemplateStage.Models models;

  TinyModels(long seed) {
    this(seed, true);
  }

  /** The tiny models, with the CNFs and their columns or (withCnfs false) without. */
  TinyModels(long seed, boolean withCnfs) {
    pool = SyntheticGenerator.generate(SyntheticGenerator.Config.balanced(seed, 1500));
    Preprocessor pre = Preprocessor.fit(pool);
    Map<JetCategory, CnfSet> cnfs =
        withCnfs
            ? CnfStage.train(
                TrainingSets.nominal(pool, pre),
                new CnfStage.Config(2, 16, 1, 60, 256, 1e-3, 5),
                Device.cpu(),
                TrainingListener.NONE)
            : null;
    Classifier dnn;
    try {
      dnn =
          ClassifierStage.train(
              TrainingSets.augmented(pool, pre, 4, 2000, 1).sets(),
              cnfs,
              new ClassifierStage.Config(32, 2, 200, 256, 3e-3, 4),
              Device.cpu(),
              TrainingListener.NONE);
    } catch (RuntimeException e) {
      if (cnfs != null) {
        cnfs.values().forEach(CnfSet::close);
      }
      throw e;
    }
    models = new TemplateStage.Models(pre, cnfs, dnn);
  }

  @Override
  public void close() {
    models.dnn().close();
    if (models.cnfs() != null) {
      models.cnfs().values().forEach(CnfSet::close);
    }
  }
}
