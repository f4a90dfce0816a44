package dev.aigateway.internal.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the store's schema with versioned scripts ({@code migrations/V<n>__<what>.sql}), each
 * applied once, in order, in its own transaction, and recorded in {@code schema_version} with a checksum.
 *
 * <p>A session advisory lock (per schema) is held while migrating, so replicas that start at once migrate
 * exactly once: the first applies the scripts, the others wait and then find nothing to do. A script that was
 * applied but whose text has changed since stops the start: the shipped scripts are never edited, only added.
 */
public final class SchemaMigrator {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
  /** The advisory lock class for migrations ({@code 'AIGX'}); the object id is {@code hashtext(schema)}. */
  static final int MIGRATION_LOCK = 1095321432;
  /**
   * Every script; a new version is added and never edited once released. They run in version order, and the
   * numbers need not be contiguous: a version missing from the list is simply not applied, and a schema that
   * records a version this list lacks (applied by another build) is left as it is. Each script is applied when
   * its own version is not recorded, whatever newer versions are, so scripts must not depend on one another
   * beyond V1.
   */
  static final List<String> SCRIPTS = List.of("V1__resources.sql", "V2__admin_keys.sql", "V3__credits_usage.sql",
      "V4__gateway_config.sql", "V5__ledger_writers.sql");

  private SchemaMigrator() {}

  /** The version of the newest script this library ships. */
  public static int latestVersion() {
    return SCRIPTS.stream().mapToInt(SchemaMigrator::version).max().orElse(0);
  }

  /**
   * Brings {@code schema} up to {@link #latestVersion()}, creating it when missing; answers how many scripts
   * were applied.
   *
   * @throws SQLException when a script fails (its transaction is rolled back)
   * @throws IllegalStateException when an applied script's checksum differs from the shipped one
   */
  public static int migrate(Connection connection, String schema, String channel) throws SQLException {
    connection.setAutoCommit(true);
    try (PreparedStatement lock = connection.prepareStatement("select pg_advisory_lock(?, hashtext(?))")) {
      lock.setInt(1, MIGRATION_LOCK);
      lock.setString(2, schema);
      lock.execute();
    }
    try {
      return migrateLocked(connection, schema, channel);
    } finally {
      try (PreparedStatement unlock = connection.prepareStatement("select pg_advisory_unlock(?, hashtext(?))")) {
        unlock.setInt(1, MIGRATION_LOCK);
        unlock.setString(2, schema);
        unlock.execute();
      }
    }
  }

  /** {@link #migrate(Connection, String, String)} on a connection borrowed from {@code dataSource}. */
  public static int migrate(DataSource dataSource, String schema) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return migrate(c, schema, Sql.channel(schema));
    }
  }

  private static int migrateLocked(Connection c, String schema, String channel) throws SQLException {
    String quoted = Sql.quote(schema);
    boolean exists;
    try (PreparedStatement ps = c.prepareStatement("select 1 from pg_namespace where nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        exists = rs.next();
      }
    }
    try (Statement st = c.createStatement()) {
      if (!exists) {
        st.execute("create schema " + quoted);
      }
      st.execute("create table if not exists " + quoted + ".schema_version (version integer primary key, "
          + "description text not null, checksum text not null, installed_at timestamptz not null default now())");
    }
    Map<Integer, String> applied = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select version, checksum from " + quoted + ".schema_version")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
    }
    int count = 0;
    for (String script : SCRIPTS.stream().sorted(Comparator.comparingInt(SchemaMigrator::version)).toList()) {
      int version = version(script);
      String text = read(script);
      String checksum = sha256(text);
      String known = applied.get(version);
      if (known != null) {
        if (!known.equals(checksum)) {
          throw new IllegalStateException("The schema " + schema + " was migrated with a different version " + version
              + " script (" + script + ") than this library ships: its checksum is " + known + ", expected " + checksum
              + ". Refusing to start on a schema this version does not know.");
        }
        continue;
      }
      apply(c, quoted, channel, script, version, text, checksum);
      count++;
    }
    int newest = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    if (newest > latestVersion()) {
      LOG.warn("The schema {} is at version {}, newer than this library's {}: a newer version of the gateway has "
          + "migrated it. Continuing, as migrations only add.", schema, newest, latestVersion());
    }
    return count;
  }

  private static void apply(Connection c, String quoted, String channel, String script, int version, String text,
      String checksum) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement st = c.createStatement()) {
        st.execute(text.replace("${schema}", quoted).replace("${channel}", channel));
      }
      try (PreparedStatement ps = c.prepareStatement("insert into " + quoted
          + ".schema_version (version, description, checksum) values (?, ?, ?)")) {
        ps.setInt(1, version);
        ps.setString(2, description(script));
        ps.setString(3, checksum);
        ps.executeUpdate();
      }
      c.commit();
      LOG.info("Applied schema migration {} to {}", script, quoted);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static String description(String script) {
    return script.substring(script.indexOf("__") + 2, script.length() - ".sql".length()).replace('_', ' ');
  }

  private static String read(String script) {
    try (InputStream in = Objects.requireNonNull(SchemaMigrator.class.getResourceAsStream("migrations/" + script),
        script)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("could not read the migration script " + script, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
