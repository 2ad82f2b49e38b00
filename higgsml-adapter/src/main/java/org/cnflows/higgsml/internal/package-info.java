/** Implementation details of the HiggsML adapter (DuckDB access, samplers); not a public API. */
package org.cnflows.higgsml.internal;
