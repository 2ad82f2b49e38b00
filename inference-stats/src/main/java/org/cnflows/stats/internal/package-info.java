/**
 * Implementation helpers of the statistics module (finite differences, spline weights, seeds,
 * argument checks); not a public API, other modules must not import it.
 */
package org.cnflows.stats.internal;
