/**
 * Extension points handed to the gateway builder: stores, credentials, credits, listeners, time.
 */
@NullMarked
package dev.aigateway.spi;

import org.jspecify.annotations.NullMarked;
