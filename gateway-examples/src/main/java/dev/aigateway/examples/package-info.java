/** Examples that compile with every build: the README sample. */
@NullMarked
package dev.aigateway.examples;

import org.jspecify.annotations.NullMarked;
