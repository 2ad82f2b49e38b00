/** Throughput of contrastive-flow training and Phi feature extraction (flows-contrastive). */
package org.cnflows.bench.contrastive;
