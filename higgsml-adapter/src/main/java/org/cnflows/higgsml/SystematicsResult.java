package org.cnflows.higgsml;

/**
 * The events after an application of the systematics, and what the post-selection did.
 *
 * @param events the kept events, DER features recomputed
 * @param postSelection the post-selection counts
 */
public record SystematicsResult(EventTable events, PostSelection postSelection) {}
