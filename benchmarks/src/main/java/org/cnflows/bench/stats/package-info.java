/** Throughput measurements of inference-stats: binned fits. */
package org.cnflows.bench.stats;
