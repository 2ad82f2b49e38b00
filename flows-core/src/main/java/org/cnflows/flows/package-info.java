/**
 * Normalizing flows on DJL: bijections, conditioners, base distributions, flows, training and
 * device handling.
 */
package org.cnflows.flows;
