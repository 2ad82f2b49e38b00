/**
 * Contrastive normalizing flows (Elsharkawy and Kahn 2025): the contrastive loss, sets of trained
 * CNFs, Phi features and the classifiers that use them.
 */
package org.cnflows.contrastive;
