/**
 * The test kit: a fake clock, scripted upstreams, and {@link KeyStoreContract}, the conformance suite every {@code KeyStore} passes.
 */
@NullMarked
package dev.aigateway.testing;

import org.jspecify.annotations.NullMarked;
