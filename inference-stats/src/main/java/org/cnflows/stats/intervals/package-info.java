/**
 * Confidence intervals: profile likelihood scans with Wilks intervals, Feldman-Cousins intervals
 * and Neyman belts built from toys.
 */
package org.cnflows.stats.intervals;
