package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.resource.SecretValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regressions of two instances (each a {@link Gateway} with its own {@link JdbcKeyStore} and pool) changing one
 * schema at once: an update on one instance must not bring back what the other deleted, and the two deleting
 * the last two admin API keys at once must not leave none. Instance A's store is wrapped so that the other
 * instance's delete runs exactly between A's read and A's write.
 */
final class SharedStoreRacesTest {
  private final List<JdbcKeyStore> stores = new ArrayList<>();
  private String schema;
  private JdbcKeyStore storeA;
  private JdbcKeyStore storeB;
  private ReadHookKeyStore hookedA;
  private Gateway a;
  private Gateway b;

  @BeforeEach
  void startTwoInstances() {
    schema = TestDatabase.newSchema();
    storeA = open();
    storeB = open();
    hookedA = new ReadHookKeyStore(storeA);
    a = Gateway.builder().keyStore(hookedA).build();
    b = Gateway.builder().keyStore(storeB).build();
  }

  private JdbcKeyStore open() {
    JdbcKeyStore store = JdbcKeyStore.builder().jdbcUrl(TestDatabase.get().jdbcUrl()).maximumPoolSize(3)
        .schema(schema).masterKey(JdbcKeyStoreContractTest.MASTER_KEY).build();
    stores.add(store);
    return store;
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    stores.forEach(JdbcKeyStore::close);
  }

  @Test
  void anAccessKeyDeletedOnInstanceB_betweenInstanceAsReadAndWriteOfAPatch_staysDeleted() throws SQLException {
    CreatedAccessKey created = a.admin().accessKeys().create(AccessKeyChange.builder().name("doomed").build());
    String id = created.key().id();
    storeB.refresh();
    assertThat(storeB.accessKey(id)).as("B sees the key").isNotNull();

    hookedA.afterNextRead(id, () -> b.admin().accessKeys().delete(id));
    GatewayException e = catchThrowableOfType(GatewayException.class,
        () -> a.admin().accessKeys().update(id, AccessKeyChange.builder().name("renamed").build()));

    assertThat(hookedA.armed()).as("B deleted the key right after A read it").isFalse();
    assertThat(e).as("the PATCH on A").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.status()).isEqualTo(404);
    storeA.refresh();
    storeB.refresh();
    assertThat(rows("access_keys", id)).as("rows of the revoked key").isZero();
    assertThat(storeA.accessKey(id)).isNull();
    assertThat(storeB.accessKey(id)).isNull();
    for (Gateway g : List.of(a, b)) {
      GatewayException refused = catchThrowableOfType(GatewayException.class, () -> g.plan(GatewayRequest.of(
          Surface.CHAT_COMPLETIONS, created.token(), "{\"model\":\"gpt-4o\",\"messages\":[]}")));
      assertThat(refused).as("the revoked token").isNotNull();
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
    }
  }

  @Test
  void aProviderKeyDeletedOnInstanceB_duringARotationOnInstanceA_staysDeleted_withItsSecret() throws SQLException {
    String id = a.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("doomed")
        .value("sk-doomed-0123456789abcdef").build()).id();
    storeB.refresh();

    hookedA.afterNextRead(id, () -> b.admin().providerKeys().delete(id));
    GatewayException e = catchThrowableOfType(GatewayException.class,
        () -> a.admin().providerKeys().rotate(id, "rotated", SecretValue.of("sk-rotated-0123456789abcdef")));

    assertThat(hookedA.armed()).isFalse();
    assertThat(e).as("the rotation on A").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
    storeA.refresh();
    storeB.refresh();
    assertThat(rows("provider_keys", id)).as("rows of the deleted provider key").isZero();
    assertThat(storeA.providerKeys()).isEmpty();
    assertThat(storeB.providerKeys()).isEmpty();
  }

  @Test
  void twoInstancesDeletingTheLastTwoAdminKeysAtOnce_neverLeaveNone() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 30; round++) {
        String first = a.admin().adminKeys().create(AdminKeyChange.builder().name("first").build()).key().id();
        String second = a.admin().adminKeys().create(AdminKeyChange.builder().name("second").build()).key().id();
        storeA.refresh();
        storeB.refresh();
        assertThat(storeB.adminKeys(null, 10)).as("B sees both keys").hasSize(2);

        CountDownLatch go = new CountDownLatch(1);
        Future<String> onA = pool.submit(deleter(a, first, go));
        Future<String> onB = pool.submit(deleter(b, second, go));
        go.countDown();
        List<String> outcomes = List.of(onA.get(30, TimeUnit.SECONDS), onB.get(30, TimeUnit.SECONDS));

        assertThat(rows("admin_keys", null)).as("admin keys left after round " + round + " " + outcomes)
            .isEqualTo(1);
        assertThat(outcomes).as("round " + round).containsExactlyInAnyOrder("deleted", "refused");
        storeA.refresh();
        storeB.refresh();
        String left = storeA.adminKeys(null, 10).get(0).id();
        assertThat(storeB.adminKeys(null, 10)).as("both instances agree").hasSize(1)
            .allSatisfy(k -> assertThat(k.id()).isEqualTo(left));
        assertThat(storeA.deleteAdminKey(left)).isTrue(); // the next round starts from none
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Regression: a gateway configuration change was read from one instance's copy and written whole, so two
   * instances changing it at once lost one change. Four threads on two instances each add one to a counter in the
   * document, ten times: every addition must be kept.
   */
  @Test
  void gatewayConfigUpdatesOnTwoInstancesAtOnce_loseNoChange() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (JdbcKeyStore store : List.of(storeA, storeB, storeA, storeB)) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 10; i++) {
            store.updateGatewayConfig(current -> "{\"n\": " + (counter(current) + 1) + "}");
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    JdbcKeyStore fresh = open();
    assertThat(counter(fresh.gatewayConfig())).isEqualTo(40);
  }

  private static int counter(String document) {
    if (document == null) {
      return 0;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"n\"\\s*:\\s*(\\d+)").matcher(document);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static Callable<String> deleter(Gateway g, String id, CountDownLatch go) {
    return () -> {
      assertThat(go.await(30, TimeUnit.SECONDS)).isTrue();
      try {
        g.admin().adminKeys().delete(id);
        return "deleted";
      } catch (GatewayException e) {
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONFLICT);
        return "refused";
      }
    };
  }

  /** Rows of {@code table} in the database, those with {@code id} only when given. */
  private long rows(String table, String id) throws SQLException {
    String sql = "select count(*) from \"" + schema + "\"." + table + (id == null ? "" : " where id = ?");
    try (Connection c = TestDatabase.get().connection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (id != null) {
        ps.setString(1, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
