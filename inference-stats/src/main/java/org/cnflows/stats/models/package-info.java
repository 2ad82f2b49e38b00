/**
 * Ready-made likelihood models: the unbinned signal-plus-background mixture and the binned Poisson
 * template model with spline-interpolated systematics.
 */
package org.cnflows.stats.models;
