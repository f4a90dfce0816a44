/** Embedding the gateway in an application that already serves HTTP with the JDK server. */
@NullMarked
package dev.aigateway.examples.embed;

import org.jspecify.annotations.NullMarked;
