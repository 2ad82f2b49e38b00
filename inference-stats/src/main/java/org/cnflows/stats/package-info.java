/**
 * Statistics for a signal strength with nuisance parameters: likelihoods, fits, profiles,
 * confidence intervals, coverage and scores. Pure Java on {@code double[]}; no native code.
 */
package org.cnflows.stats;
