/**
 * The hand-off types shared by every cnflows module: pure Java, no native code. {@link
 * org.cnflows.common.Seeds} is the one seed scheme.
 */
package org.cnflows.common;
