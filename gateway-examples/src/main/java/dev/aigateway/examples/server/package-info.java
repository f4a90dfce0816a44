/** The runnable gateway server, its durable state and the simulated providers of its demo. */
@NullMarked
package dev.aigateway.examples.server;

import org.jspecify.annotations.NullMarked;
