/**
 * Throughput measurements of the HiggsML adapter: systematics, DER features, pseudo-experiments.
 */
package org.cnflows.bench.higgsml;
