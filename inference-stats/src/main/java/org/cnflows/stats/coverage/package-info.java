/**
 * How good intervals are: coverage studies over pseudo-experiments, bootstrap coverage, the
 * likelihood overlap metric and the HiggsML Uncertainty Challenge score.
 */
package org.cnflows.stats.coverage;
