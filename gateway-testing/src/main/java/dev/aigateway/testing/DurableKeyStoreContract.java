package dev.aigateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.spi.KeyStore;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyStoreContract} for a durable store: everything the base suite checks, and that what was
 * stored survives a restart. Answer a new, empty store from {@link #newStore()} and the same data from a
 * new instance in {@link #reopen(KeyStore)}.
 *
 * <pre>{@code
 * final class PostgresKeyStoreContractTest extends DurableKeyStoreContract {
 *   protected KeyStore newStore() { database.truncateAll(); return PostgresKeyStore.create(dataSource); }
 *   protected KeyStore reopen(KeyStore store) { ((PostgresKeyStore) store).close();
 *                                               return PostgresKeyStore.create(dataSource); }
 * }
 * }</pre>
 *
 * <p>Thread-safety: as {@link KeyStoreContract}.
 */
public abstract class DurableKeyStoreContract extends KeyStoreContract {
  /** Subclasses are constructed by JUnit. */
  protected DurableKeyStoreContract() {}

  /**
   * Releases {@code store} (closing it if it holds resources) and answers a new instance over the same
   * data, as after a restart.
   */
  protected abstract KeyStore reopen(KeyStore store) throws Exception;

  private KeyStore reopened() throws Exception {
    return replaceStore(reopen(store()));
  }

  @Test
  public void everything_survivesAReopen_replacementsAndDeletionsIncluded() throws Exception {
    KINDS.forEach(kind -> kind.changeBeforeReopen(store()));
    KeyStore again = reopened();
    KINDS.forEach(kind -> kind.survivedReopen(again));
  }

  @Test
  public void aKeptGatewayConfig_survivesAReopen() throws Exception {
    boolean kept;
    try (dev.aigateway.Gateway a = dev.aigateway.Gateway.builder().keyStore(store()).build()) {
      kept = a.saveGatewayConfig(GATEWAY_LIMITS_2, GATEWAY_SETTINGS_2)
          && a.saveGatewayConfig(GATEWAY_LIMITS_1, GATEWAY_SETTINGS_1);
    }
    KeyStore again = reopened();
    if (!kept) {
      assertThat(again.gatewayConfig()).as("a store that does not keep it holds none").isNull();
      return;
    }
    try (dev.aigateway.Gateway b = dev.aigateway.Gateway.builder().keyStore(again).build()) {
      assertThat(b.limits()).as("the last one saved").isEqualTo(GATEWAY_LIMITS_1);
      assertThat(b.accountSettings()).isEqualTo(GATEWAY_SETTINGS_1);
    }
  }

  @Test
  public void aReopenedStore_takesNewChanges_andKeepsThemToo() throws Exception {
    ACCESS_KEYS.put(store(), 1, "before");
    ACCESS_KEYS.put(reopened(), 2, "after");
    PROVIDER_KEYS.put(store(), 1, "after");
    ADMIN_KEYS.put(store(), 1, "after");
    KeyStore again = reopened();
    assertThat(accessKeyIds(null, 10)).containsExactly(id(2), id(1));
    PROVIDER_KEYS.assertStored(again, PROVIDER_KEYS.sample(1, "after"));
    ADMIN_KEYS.assertStored(again, ADMIN_KEYS.sample(1, "after"));
  }
}
