/** Throughput measurements of flows-core: layer and flow evaluation and training steps. */
package org.cnflows.bench.flows;
