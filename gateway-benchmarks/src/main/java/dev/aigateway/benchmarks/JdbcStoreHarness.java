package dev.aigateway.benchmarks;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.jdbc.JdbcKeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The PostgreSQL store at scale: the time to open a schema holding N access keys (everything read into
 * memory), and how long a revocation made through one instance takes to reach another (LISTEN/NOTIFY).
 *
 * <pre>
 * java -cp gateway-benchmarks/target/benchmarks.jar dev.aigateway.benchmarks.JdbcStoreHarness \
 *     'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres' 100000
 * </pre>
 */
public final class JdbcStoreHarness {
  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private JdbcStoreHarness() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    String schema = String.format(Locale.ROOT, "harness_%x", System.nanoTime());
    JdbcKeyStore.builder().jdbcUrl(url).schema(schema).masterKey(KEY).build().close();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("begin; set local session_replication_role = replica; insert into " + schema
          + ".access_keys (id, body) select 'aigk_bulk' || lpad(n::text, 7, '0'), jsonb_build_object('id', "
          + "'aigk_bulk' || lpad(n::text, 7, '0'), 'name', 'bulk ' || n, 'keyRedacted', 'ng-bulk***' || n, 'digest', "
          + "encode(sha256(n::text::bytea), 'base64'), 'createdAt', '2026-01-01T00:00:00Z', 'updatedAt', "
          + "'2026-01-01T00:00:00Z') from generate_series(1, " + keys + ") n; commit;");
    }
    for (int round = 1; round <= 5; round++) {
      long t0 = System.nanoTime();
      try (JdbcKeyStore store = JdbcKeyStore.builder().jdbcUrl(url).schema(schema).masterKey(KEY).build()) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(Locale.ROOT, "open with %,d access keys, round %d: %d ms (%d keys read)%n", keys, round, ms,
            store.accessKeys(null, Integer.MAX_VALUE).size());
      }
    }
    try (JdbcKeyStore a = JdbcKeyStore.builder().jdbcUrl(url).schema(schema).masterKey(KEY).build();
        JdbcKeyStore b = JdbcKeyStore.builder().jdbcUrl(url).schema(schema).masterKey(KEY).build();
        Gateway ga = Gateway.builder().keyStore(a).build();
        Gateway gb = Gateway.builder().keyStore(b).build()) {
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        CreatedAccessKey created = ga.admin().accessKeys().create(AccessKeyChange.builder().name("r" + i).build());
        GatewayRequest request = GatewayRequest.of(Surface.CHAT_COMPLETIONS, created.token(),
            "{\"model\":\"gpt-4o\",\"messages\":[]}");
        while (!authenticates(gb, request)) {
          Thread.onSpinWait();
        }
        long start = System.nanoTime();
        ga.admin().accessKeys().delete(created.key().id());
        while (authenticates(gb, request)) {
          Thread.onSpinWait();
        }
        latencies.add(System.nanoTime() - start);
      }
      Collections.sort(latencies);
      System.out.printf(Locale.ROOT, "revocation reaching another instance, %d revocations: p50 %.2f ms, p99 %.2f ms,"
          + " max %.2f ms%n", latencies.size(), latencies.get(latencies.size() / 2) / 1e6,
          latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1e6, latencies.get(latencies.size() - 1) / 1e6);
    }
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("drop schema " + schema + " cascade");
    }
  }

  /** Whether the gateway accepts the key (the plan itself may fail later for want of credentials). */
  private static boolean authenticates(Gateway g, GatewayRequest request) {
    try {
      g.plan(request);
      return true;
    } catch (GatewayException e) {
      return e.code() != dev.aigateway.ErrorCode.INVALID_ACCESS_KEY;
    }
  }
}
