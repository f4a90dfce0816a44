/** JMH benchmarks and measurement harnesses; never deployed. */
@NullMarked
package dev.aigateway.benchmarks;

import org.jspecify.annotations.NullMarked;
