package dev.aigateway.jdbc;

import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.DurableKeyStoreContract;

/** The conformance suite, with a restart, against a real PostgreSQL: each test in a new schema. */
final class JdbcKeyStoreContractTest extends DurableKeyStoreContract {
  static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private String schema;

  @Override
  protected KeyStore newStore() {
    schema = TestDatabase.newSchema();
    return open();
  }

  @Override
  protected KeyStore reopen(KeyStore store) {
    ((JdbcKeyStore) store).close();
    return open();
  }

  private KeyStore open() {
    return JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema).masterKey(MASTER_KEY)
        .build();
  }
}
