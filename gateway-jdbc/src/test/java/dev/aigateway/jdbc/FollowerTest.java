package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.internal.jdbc.ChangeFollower;
import dev.aigateway.resource.AccessKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The background thread: it listens again after its connection is killed, writes last use, and stops on close. */
final class FollowerTest {
  private static final String KEY = JdbcKeyStoreContractTest.MASTER_KEY;

  private static JdbcKeyStore open(String schema) {
    return JdbcKeyStore.builder().jdbcUrl(TestDatabase.get().jdbcUrl()).maximumPoolSize(2).schema(schema)
        .masterKey(KEY).build();
  }

  @Test
  void afterItsConnectionIsKilled_theStoreListensAgain() throws Exception {
    String schema = TestDatabase.newSchema();
    try (JdbcKeyStore store = open(schema)) {
      eventually(() -> listenerPids(schema).size() == 1, "the store listens");
      java.util.List<Integer> before = listenerPids(schema);
      assertThat(terminate(schema)).isEqualTo(1);
      eventually(() -> {
        java.util.List<Integer> now = listenerPids(schema);
        return now.size() == 1 && !now.equals(before);
      }, "the store listens again, on a new connection");
      assertThat(store.accessKeys(null, 10)).isEmpty();
    }
  }

  @Test
  void close_stopsTheThread_andReleasesTheListeningConnection() throws Exception {
    String schema = TestDatabase.newSchema();
    JdbcKeyStore store = open(schema);
    String threadName = "aigateway-jdbc-changes-" + schema;
    assertThat(threadAlive(threadName)).isTrue();
    store.close();
    assertThat(threadAlive(threadName)).as("the thread after close").isFalse();
    eventually(() -> listenerPids(schema).isEmpty(), "no LISTEN connection after close");
    store.close(); // again: nothing
  }

  @Test
  void lastUse_isWrittenWithinSeconds_andReadAfterAReopen() throws Exception {
    String schema = TestDatabase.newSchema();
    String id = "aigk_touched0001";
    Instant when = Instant.parse("2026-05-06T07:08:09Z");
    try (JdbcKeyStore store = open(schema)) {
      byte[] digest = new byte[32];
      Arrays.fill(digest, (byte) 7);
      store.putAccessKey(AccessKey.builder().id(id).name("touched").keyRedacted("ng-x***1").secretDigest(digest)
          .createdAt(Instant.EPOCH).updatedAt(Instant.EPOCH).build());
      store.touchAccessKey(id, when);
      assertThat(Objects.requireNonNull(store.accessKey(id)).lastUsed()).isEqualTo(when);
      eventually(() -> when.equals(lastUsedInDatabase(schema, id)), "last use written");
    }
    try (JdbcKeyStore again = open(schema)) {
      assertThat(Objects.requireNonNull(again.accessKey(id)).lastUsed()).isEqualTo(when);
    }
  }

  @Test
  void anAdminKeysLastUse_isWrittenWithinSeconds_withoutAChange_andReadAfterAReopen() throws Exception {
    String schema = TestDatabase.newSchema();
    String id = "aigak_touched0001";
    Instant when = Instant.parse("2026-05-06T07:08:09Z");
    try (JdbcKeyStore store = open(schema)) {
      byte[] digest = new byte[32];
      Arrays.fill(digest, (byte) 9);
      store.putAdminKey(dev.aigateway.resource.AdminKey.builder().id(id).name("touched").keyRedacted("aigak_x***1")
          .tokenDigest(digest).createdAt(Instant.EPOCH).build());
      store.refresh(); // the insert's own change, applied before listening
      java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      store.addListener((type, changed) -> heard.add(type + " " + changed));
      store.touchAdminKey(id, when);
      assertThat(Objects.requireNonNull(store.adminKey(id)).lastUsed()).isEqualTo(when);
      eventually(() -> when.equals(lastUsedInDatabase(schema, "admin_keys", id)), "last use written");
      store.refresh();
      assertThat(heard).as("a last use is no change").isEmpty();
    }
    try (JdbcKeyStore again = open(schema)) {
      assertThat(Objects.requireNonNull(again.adminKey(id)).lastUsed()).isEqualTo(when);
    }
  }

  @Test
  void anInstanceBehindThePrunedChangeLog_reloadsEverything() throws Exception {
    String schema = TestDatabase.newSchema();
    try (JdbcKeyStore writer = open(schema);
        JdbcKeyStore behind = JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema)
            .masterKey(KEY).listen(false).pollInterval(java.time.Duration.ofSeconds(10)).build()) {
      java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      behind.addListener((type, id) -> heard.add(type + " " + id));
      writer.putAccessKey(key("aigk_pruned0001"));
      behind.refresh();
      assertThat(behind.accessKey("aigk_pruned0001")).isNotNull();
      writer.putAccessKey(key("aigk_pruned0002"));
      // the first key removed without a change record, and the log pruned through the second key's change
      TestDatabase.get().execute("begin; set local session_replication_role = replica; delete from " + schema
          + ".access_keys where id = 'aigk_pruned0001'; update " + schema + ".store_meta set value = (select "
          + "max(seq) from " + schema + ".changes)::text where name = 'pruned_through'; delete from " + schema
          + ".changes; commit;");
      behind.refresh();
      assertThat(behind.accessKey("aigk_pruned0001")).as("removed while the log was pruned").isNull();
      assertThat(behind.accessKey("aigk_pruned0002")).isNotNull();
      assertThat(heard).contains("ACCESS_KEY aigk_pruned0001", "ACCESS_KEY aigk_pruned0002");
      writer.putAccessKey(key("aigk_pruned0003"));
      behind.refresh();
      assertThat(behind.accessKey("aigk_pruned0003")).as("a change after the reload").isNotNull();
    }
  }

  private static AccessKey key(String id) {
    byte[] digest = new byte[32];
    Arrays.fill(digest, (byte) 3);
    return AccessKey.builder().id(id).name(id).keyRedacted("ng-x***1").secretDigest(digest).createdAt(Instant.EPOCH)
        .updatedAt(Instant.EPOCH).build();
  }

  private static Instant lastUsedInDatabase(String schema, String id) {
    return lastUsedInDatabase(schema, "access_keys", id);
  }

  private static Instant lastUsedInDatabase(String schema, String table, String id) {
    try (Connection c = TestDatabase.get().connection();
        PreparedStatement ps = c.prepareStatement("select last_used from " + schema + "." + table + " where id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        java.time.OffsetDateTime t = rs.getObject(1, java.time.OffsetDateTime.class);
        return t == null ? null : t.toInstant();
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  /** The backends listening for this schema's changes (their last statement is the LISTEN, for 10 s). */
  private static java.util.List<Integer> listenerPids(String schema) {
    java.util.List<Integer> pids = new java.util.ArrayList<>();
    try (Connection c = TestDatabase.get().connection(); PreparedStatement ps = c.prepareStatement(
        "select pid from pg_stat_activity where application_name = ? and query = ? order by pid")) {
      ps.setString(1, ChangeFollower.APPLICATION_NAME);
      ps.setString(2, "listen \"" + schema + "_changes\"");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  private static int terminate(String schema) throws Exception {
    try (Connection c = TestDatabase.get().connection(); PreparedStatement ps = c.prepareStatement(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity "
            + "where application_name = ? and query = ?) t")) {
      ps.setString(1, ChangeFollower.APPLICATION_NAME);
      ps.setString(2, "listen \"" + schema + "_changes\"");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
