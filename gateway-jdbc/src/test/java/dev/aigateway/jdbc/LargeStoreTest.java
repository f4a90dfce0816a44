package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A store with 100,000 access keys opens (everything read into memory) and follows changes. The open time is
 * printed as a figure for docs/benchmarks.md; only that every key arrives is asserted.
 */
final class LargeStoreTest {
  private static final int KEYS = 100_000;

  @Test
  void aStoreWith100000Keys_opensWithEveryKey_andFollowsChanges() {
    String schema = TestDatabase.newSchema();
    JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema)
        .masterKey(JdbcKeyStoreContractTest.MASTER_KEY).build().close();
    // rows as the store writes them, inserted by SQL without the change triggers (a bulk import)
    TestDatabase.get().execute("begin; set local session_replication_role = replica; insert into " + schema
        + ".access_keys (id, body) select 'aigk_bulk' || lpad(n::text, 7, '0'), jsonb_build_object('id', "
        + "'aigk_bulk' || lpad(n::text, 7, '0'), 'name', 'bulk ' || n, 'keyRedacted', 'ng-bulk***' || n, 'digest', "
        + "encode(sha256(n::text::bytea), 'base64'), 'createdAt', '2026-01-01T00:00:00Z', 'updatedAt', "
        + "'2026-01-01T00:00:00Z') from generate_series(1, " + KEYS + ") n; commit;");
    long start = System.nanoTime();
    try (JdbcKeyStore store = JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema)
        .masterKey(JdbcKeyStoreContractTest.MASTER_KEY).build()) {
      long openNanos = System.nanoTime() - start;
      System.out.printf(Locale.ROOT, "store open with %,d access keys: %.0f ms%n", KEYS, openNanos / 1e6);
      assertThat(store.accessKeys(null, Integer.MAX_VALUE)).hasSize(KEYS);
      assertThat(store.accessKey("aigk_bulk0054321")).isNotNull();
      Gateway gateway = Gateway.builder().keyStore(store).build();
      CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("one more")
          .build());
      assertThat(store.accessKeys(null, KEYS + 1)).hasSize(KEYS + 1).extracting(k -> k.id())
          .contains(created.key().id());
      gateway.close();
    }
    for (int again = 1; again <= 2; again++) {
      long t0 = System.nanoTime();
      try (JdbcKeyStore store = JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema)
          .masterKey(JdbcKeyStoreContractTest.MASTER_KEY).build()) {
        System.out.printf(Locale.ROOT, "store open with %,d access keys, again (%d): %.0f ms%n", KEYS + 1, again,
            (System.nanoTime() - t0) / 1e6);
        assertThat(store.accessKeys(null, Integer.MAX_VALUE)).hasSize(KEYS + 1);
      }
    }
  }
}
