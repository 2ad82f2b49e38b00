/** Runnable demos of cnflows; {@link org.cnflows.examples.Main} is the README's main job. */
package org.cnflows.examples;
