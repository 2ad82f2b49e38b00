/**
 * The seeds' toy problems with exact densities, so that every method can be checked against truth.
 */
package org.cnflows.stats.toys;
