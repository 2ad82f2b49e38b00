/** Implementation details of flows-core; other modules do not import this package. */
package org.cnflows.flows.internal;
