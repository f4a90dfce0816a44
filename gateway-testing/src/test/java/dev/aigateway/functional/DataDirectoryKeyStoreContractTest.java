package dev.aigateway.functional;

import dev.aigateway.spi.KeyStore;
import dev.aigateway.store.DataDirectoryKeyStore;
import dev.aigateway.testing.DurableKeyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

// --8<-- [start:keystore-contract]
/** The data-directory store passes the {@code KeyStore} conformance suite, reopening included. */
final class DataDirectoryKeyStoreContractTest extends DurableKeyStoreContract {
  @TempDir
  Path dir;

  @Override
  protected KeyStore newStore() {
    return DataDirectoryKeyStore.open(dir, null);
  }

  @Override
  protected KeyStore reopen(KeyStore store) {
    ((DataDirectoryKeyStore) store).close();
    return DataDirectoryKeyStore.open(dir, null);
  }
}
// --8<-- [end:keystore-contract]
