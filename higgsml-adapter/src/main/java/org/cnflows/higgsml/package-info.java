/**
 * HiggsML Uncertainty Challenge data: columnar events, readers and writers, derived features,
 * nuisance parameters, systematics, pseudo-experiments, preprocessing and a synthetic generator.
 */
package org.cnflows.higgsml;
