/**
 * Flow-backed unbinned likelihoods with systematics: distributions of interest fitted jointly with
 * the nuisances and class fractions, and their likelihood handed to inference-stats' fitter
 * (Valsecchi, Donega and Wallny, arXiv 2602.13184).
 */
package org.cnflows.profiling;
