/** Implementation details of flows-contrastive; not for use outside this module. */
package org.cnflows.contrastive.internal;
