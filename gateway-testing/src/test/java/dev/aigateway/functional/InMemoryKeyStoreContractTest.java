package dev.aigateway.functional;

import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.KeyStoreContract;

/** The in-memory store passes the {@code KeyStore} conformance suite (it is not durable). */
final class InMemoryKeyStoreContractTest extends KeyStoreContract {
  @Override
  protected KeyStore newStore() {
    return KeyStore.inMemory();
  }
}
