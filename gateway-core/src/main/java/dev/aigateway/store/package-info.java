/** Durable stores: the data-directory {@link dev.aigateway.spi.KeyStore}. */
@NullMarked
package dev.aigateway.store;

import org.jspecify.annotations.NullMarked;
