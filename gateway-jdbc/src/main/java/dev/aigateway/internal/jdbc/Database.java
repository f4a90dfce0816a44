package dev.aigateway.internal.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.internal.store.SecretBox;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Every statement the store runs, each on a connection borrowed from the pool for that statement alone.
 * Mutations are single statements in auto-commit: the table's trigger records the change and sends the
 * notification in the same transaction.
 */
public final class Database {
  /** A reader made once: {@code ObjectMapper.readTree} resolves the root type again on every call. */
  private static final ObjectReader JSON = new ObjectMapper().reader();
  /** The advisory lock class that serialises writers of changes ({@code 'AIGW'}), as in the trigger. */
  static final int CHANGE_LOCK = 1095321431;
  /** The advisory lock class that serialises deleters of admin API keys ({@code 'AIGX'}). */
  static final int ADMIN_KEY_LOCK = 1095321432;
  /** The advisory lock class that serialises updates of the gateway configuration ({@code 'AIGY'}). */
  static final int GATEWAY_CONFIG_LOCK = 1095321433;
  private static final String MASTER_KEY_CHECK = "master_key_check";
  private static final String CHECK_PLAINTEXT = "aigateway master key check";

  private final DataSource dataSource;
  private final String schema;
  private final String quoted;
  private final StoreCodec codec;
  private final int queryTimeoutSeconds;

  public Database(DataSource dataSource, String schema, StoreCodec codec, Duration queryTimeout) {
    this.dataSource = dataSource;
    this.schema = Sql.checkSchema(schema);
    this.quoted = Sql.quote(schema);
    this.codec = codec;
    this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public String schema() {
    return schema;
  }

  /** One change of the change log. {@code id} is {@code *} after a TRUNCATE of the type's table. */
  public record Change(long seq, ResourceType type, String id) {}

  /** The changes after a sequence number, and how far the log has been pruned. */
  public record Changes(long prunedThrough, List<Change> changes) {}

  /** Everything, read in one snapshot, and the last change that snapshot includes. */
  public record Snapshot(long lastSeq, InMemoryKeyStore memory) {}

  public void migrate() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      SchemaMigrator.migrate(c, schema, Sql.channel(schema));
    }
  }

  /**
   * Checks {@code box} against the check value sealed with the first master key that opened this schema, and
   * records it when there is none: replicas configured with different keys are refused at start.
   *
   * @throws IllegalStateException when the key differs from the schema's
   */
  public void checkMasterKey(SecretBox box) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("insert into " + quoted
          + ".store_meta (name, value) values (?, ?) on conflict (name) do nothing")) {
        ps.setString(1, MASTER_KEY_CHECK);
        ps.setString(2, box.seal(CHECK_PLAINTEXT, MASTER_KEY_CHECK));
        ps.executeUpdate();
      }
      String sealed;
      try (PreparedStatement ps = c.prepareStatement("select value from " + quoted + ".store_meta where name = ?")) {
        ps.setString(1, MASTER_KEY_CHECK);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          sealed = rs.getString(1);
        }
      }
      boolean matches;
      try {
        matches = CHECK_PLAINTEXT.equals(box.open(sealed, MASTER_KEY_CHECK));
      } catch (IllegalStateException e) {
        matches = false;
      }
      if (!matches) {
        throw new IllegalStateException("The master key differs from the one the provider keys in schema " + schema
            + " are sealed with (every instance sharing a database needs the same master key). Configure the key "
            + "the other instances use. Refusing to start: values sealed with another key could not be read.");
      }
    }
  }

  public <T> void put(Table<T> table, T value) throws SQLException {
    String body = table.encode().apply(codec, value).toString();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(table.upsertSql(schema))) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      table.bindUpsert(ps, value, body);
      ps.executeUpdate();
    }
  }

  /** Replaces the row with {@code value}'s key; answers false, and inserts nothing, when there is none. */
  public <T> boolean replace(Table<T> table, T value) throws SQLException {
    String body = table.encode().apply(codec, value).toString();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(table.replaceSql(schema))) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      table.bindReplace(ps, value, body);
      return ps.executeUpdate() > 0;
    }
  }

  /**
   * Changes the gateway configuration document in one read-committed transaction that first takes a transaction
   * advisory lock of the schema's gateway configuration: {@code change} is given the document committed last (null
   * when none), on any instance, and what it answers is written before the lock is released.
   *
   * @return the document written
   */
  public String updateGatewayConfig(KeyStore.GatewayConfigChange change) throws SQLException {
    Table<String> table = Table.GATEWAY_CONFIG;
    return inLockedTransaction(GATEWAY_CONFIG_LOCK, c -> {
      String current = null;
      try (PreparedStatement ps = c.prepareStatement("select body::text from " + quoted + "." + table.name()
          + " where id = ?")) {
        ps.setQueryTimeout(queryTimeoutSeconds);
        ps.setString(1, KeyStore.GATEWAY_CONFIG_ID);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            current = rs.getString(1);
          }
        }
      }
      String next = Objects.requireNonNull(change.apply(current), "the changed document");
      String body = table.encode().apply(codec, next).toString();
      try (PreparedStatement ps = c.prepareStatement(table.upsertSql(schema))) {
        ps.setQueryTimeout(queryTimeoutSeconds);
        table.bindUpsert(ps, next, body);
        ps.executeUpdate();
      }
      return next;
    });
  }

  /** Work on one connection inside {@link #inLockedTransaction}. */
  @FunctionalInterface
  private interface InTransaction<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one read-committed transaction that first takes the transaction advisory lock
   * {@code (lockClass, hashtext(schema))}: such transactions on any instance run one after the other, and each
   * sees what the one before it committed. Rolled back when {@code work} throws.
   */
  private <T> T inLockedTransaction(int lockClass, InTransaction<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      // read committed: a statement after the lock sees every change committed before the lock was granted
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
          lock.setQueryTimeout(queryTimeoutSeconds);
          lock.setInt(1, lockClass);
          lock.setString(2, schema);
          lock.execute();
        }
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
        c.setTransactionIsolation(isolation);
      }
    }
  }

  /** What {@link #deleteAdminKeyUnlessLast} did. */
  public enum AdminKeyDeleted { DELETED, NOT_FOUND, LAST }

  /**
   * Deletes the admin key {@code id} only while another admin key row remains, in one read-committed transaction
   * that first takes a transaction advisory lock of the schema's admin keys: concurrent deleters (on any instance)
   * run one after the other, and each sees what the one before it committed, so they never leave no row.
   */
  public AdminKeyDeleted deleteAdminKeyUnlessLast(String id) throws SQLException {
    String table = quoted + "." + Table.ADMIN_KEYS.name();
    return inLockedTransaction(ADMIN_KEY_LOCK, c -> {
      // the outer select reads the snapshot before the delete: whether the row existed
      try (PreparedStatement ps = c.prepareStatement("with d as (delete from " + table + " where id = ? and "
          + "exists (select 1 from " + table + " where id <> ?) returning id) "
          + "select (select count(*) from d), (select count(*) from " + table + " where id = ?)")) {
        ps.setQueryTimeout(queryTimeoutSeconds);
        ps.setString(1, id);
        ps.setString(2, id);
        ps.setString(3, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1) > 0 ? AdminKeyDeleted.DELETED
              : rs.getLong(2) > 0 ? AdminKeyDeleted.LAST : AdminKeyDeleted.NOT_FOUND;
        }
      }
    });
  }


  public boolean delete(Table<?> table, String key) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(table.deleteSql(schema))) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setString(1, key);
      return ps.executeUpdate() > 0;
    }
  }

  /** Reads every table and the last change in one repeatable-read snapshot. */
  public Snapshot loadAll() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        long lastSeq;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("select greatest(coalesce(max(seq), 0), (select value::bigint from "
                + quoted + ".store_meta where name = 'pruned_through')) from " + quoted + ".changes")) {
          rs.next();
          lastSeq = rs.getLong(1);
        }
        InMemoryKeyStore memory = new InMemoryKeyStore();
        for (Table<?> table : Table.ALL) {
          loadInto(c, table, memory);
        }
        c.commit();
        return new Snapshot(lastSeq, memory);
      } finally {
        c.rollback();
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private <T> void loadInto(Connection c, Table<T> table, InMemoryKeyStore memory) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setFetchSize(1000); // a cursor: 100,000 keys are not held twice
      try (ResultSet rs = st.executeQuery(table.selectAllSql(schema))) {
        while (rs.next()) {
          table.putInto().accept(memory, decode(table, rs));
        }
      }
    }
  }

  /** The resources of {@code table} whose keys are given, by key; a key with no row is absent. */
  public <T> Map<String, T> load(Table<T> table, Collection<String> keys) throws SQLException {
    Map<String, T> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(table.selectSomeSql(schema))) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      Array array = c.createArrayOf("text", keys.toArray());
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), decode(table, rs));
        }
      }
    }
    return out;
  }

  private <T> T decode(Table<T> table, ResultSet rs) throws SQLException {
    String key = rs.getString(1);
    try {
      JsonNode body = JSON.readTree(rs.getString(2));
      if (!(body instanceof ObjectNode object)) {
        throw new IllegalStateException("not a JSON object");
      }
      return table.decode(codec, object, rs.getObject(3, OffsetDateTime.class));
    } catch (JsonProcessingException | RuntimeException e) {
      // the message names the row, never its content (a provider key's row holds its sealed value)
      throw new IllegalStateException("The row " + key + " of " + schema + "." + table.name() + " cannot be read: "
          + (e instanceof JsonProcessingException ? "its body is not JSON" : e.getMessage()));
    }
  }

  /** At most {@code limit} changes after {@code afterSeq}, oldest first. */
  public Changes changesSince(long afterSeq, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select seq, resource_type, resource_id, (select value::bigint from " + quoted
            + ".store_meta where name = 'pruned_through') from " + quoted
            + ".changes where seq > ? order by seq limit ?")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setLong(1, afterSeq);
      ps.setInt(2, limit);
      List<Change> changes = new ArrayList<>();
      long pruned = -1;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pruned = rs.getLong(4);
          ResourceType type = typeOf(rs.getString(2));
          if (type != null) {
            changes.add(new Change(rs.getLong(1), type, rs.getString(3)));
          }
        }
      }
      if (changes.isEmpty()) {
        pruned = prunedThrough(c);
      }
      return new Changes(pruned, changes);
    }
  }

  private long prunedThrough(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select value::bigint from " + quoted
        + ".store_meta where name = 'pruned_through'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static @Nullable ResourceType typeOf(String name) {
    try {
      return ResourceType.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null; // a type a newer version records: not this version's concern
    }
  }

  /**
   * Writes access keys' and admin keys' last use (a later time only), without a change notification; an
   * {@code aigak_} id is an admin key.
   */
  public void writeLastUsed(Map<String, Instant> touches) throws SQLException {
    if (touches.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement access = c.prepareStatement("update " + quoted
            + ".access_keys set last_used = greatest(last_used, ?) where id = ?");
        PreparedStatement admin = c.prepareStatement("update " + quoted
            + ".admin_keys set last_used = greatest(last_used, ?) where id = ?")) {
      access.setQueryTimeout(queryTimeoutSeconds);
      admin.setQueryTimeout(queryTimeoutSeconds);
      boolean anyAccess = false;
      boolean anyAdmin = false;
      for (Map.Entry<String, Instant> e : touches.entrySet()) {
        boolean isAdmin = e.getKey().startsWith("aigak_");
        PreparedStatement ps = isAdmin ? admin : access;
        ps.setObject(1, OffsetDateTime.ofInstant(e.getValue(), ZoneOffset.UTC));
        ps.setString(2, e.getKey());
        ps.addBatch();
        anyAdmin |= isAdmin;
        anyAccess |= !isAdmin;
      }
      if (anyAccess) {
        access.executeBatch();
      }
      if (anyAdmin) {
        admin.executeBatch();
      }
    }
  }

  /**
   * Deletes changes older than {@code retention} and records how far the log is pruned, so an instance that
   * fell further behind reloads everything. Answers how many were deleted.
   */
  public int prune(Duration retention) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?, hashtext(?))")) {
          lock.setInt(1, CHANGE_LOCK);
          lock.setString(2, schema);
          lock.execute();
        }
        int deleted;
        long through;
        try (PreparedStatement ps = c.prepareStatement("with d as (delete from " + quoted
            + ".changes where changed_at < now() - make_interval(secs => ?) returning seq) "
            + "select count(*), coalesce(max(seq), 0) from d")) {
          ps.setDouble(1, retention.toMillis() / 1000.0);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            deleted = rs.getInt(1);
            through = rs.getLong(2);
          }
        }
        if (deleted > 0) {
          try (PreparedStatement ps = c.prepareStatement("update " + quoted + ".store_meta set value = "
              + "greatest(value::bigint, ?)::text where name = 'pruned_through'")) {
            ps.setLong(1, through);
            ps.executeUpdate();
          }
        }
        c.commit();
        return deleted;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }
}
