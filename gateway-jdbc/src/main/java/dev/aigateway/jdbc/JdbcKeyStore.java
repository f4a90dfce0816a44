package dev.aigateway.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.jdbc.ChangeFollower;
import dev.aigateway.internal.jdbc.Database;
import dev.aigateway.internal.jdbc.Mirror;
import dev.aigateway.internal.jdbc.Sql;
import dev.aigateway.internal.jdbc.Table;
import dev.aigateway.internal.store.SecretBox;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyStore} on PostgreSQL that several gateway instances share: each replica of the host application
 * opens its own {@code JdbcKeyStore} on the same database (and schema), and a change made through any of them
 * reaches every other within a second.
 *
 * <pre>{@code
 * JdbcKeyStore store = JdbcKeyStore.builder()
 *     .dataSource(hostDataSource)                      // or .jdbcUrl("jdbc:postgresql://db:5432/app")
 *     .masterKey(System.getenv("AIGATEWAY_MASTER_KEY")) // or .masterKeyFile(Path.of("master.key"))
 *     .build();
 * Gateway gateway = Gateway.builder().keyStore(store).build();
 * }</pre>
 *
 * <p><b>What is stored.</b> One table per resource in the schema ({@code aigateway} by default), created and
 * migrated by versioned scripts when the store opens. Access keys are stored as a digest of their token's
 * secret, admin API keys as a digest of their token, never the token; provider key values are sealed with
 * AES-256-GCM under the master key (a fresh IV per write, the record id as associated data), never stored plain. Every instance must use the same master key: the
 * first to open a schema records a check value sealed with its key, and an instance with another key is refused
 * at start.
 *
 * <p><b>Reads</b> are served from an in-memory copy loaded when the store opens, so a lookup never waits on the
 * database (and {@code Gateway.plan()} with a cached key does no I/O). <b>Changes</b> are written to the database
 * first (one statement; a trigger records the change and sends a notification in the same transaction), then
 * applied to the copy, and the listeners are told on the calling thread before the call returns. Changes made
 * by other instances (or by SQL on the tables) are applied by a background thread that LISTENs for the
 * notifications and, as a safety net, polls the change log every {@linkplain Builder#pollInterval poll interval};
 * the listeners are told on that thread.
 *
 * <p><b>Concurrent changes from several instances.</b> The {@code replace*} operations are one
 * {@code UPDATE ... WHERE id = ?}: an update never re-inserts a row another instance deleted (it answers false).
 * {@link #deleteAdminKeyUnlessLast} runs in one transaction behind a transaction advisory lock of the schema's admin
 * keys, so deleters on every instance take turns and the last admin key row is never deleted.
 *
 * <p><b>Failures.</b> A change the database does not acknowledge throws {@link JdbcStoreException} and is not
 * applied in memory. While the database is unreachable, reads go on from the copy (possibly stale); the
 * background thread retries with a backoff of 100 ms doubling to 5 s and, once reconnected, applies everything
 * it missed.
 *
 * <p>Thread-safety: safe for concurrent use; reads take no lock, and the changes of one instance are serialised.
 */
public final class JdbcKeyStore implements KeyStore, AutoCloseable {
  private final Database db;
  private final Mirror mirror;
  private final ChangeFollower follower;
  private final @Nullable HikariDataSource ownedPool;
  private final Object closeLock = new Object();
  private boolean closed;

  private JdbcKeyStore(Database db, Mirror mirror, ChangeFollower follower, @Nullable HikariDataSource ownedPool) {
    this.db = db;
    this.mirror = mirror;
    this.follower = follower;
    this.ownedPool = ownedPool;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the store behind a JDBC URL with its own connection pool, for the runnable server's
   * {@code --database URL}: the master key is {@code masterKeyBase64} when given (the server's
   * {@code AIGATEWAY_MASTER_KEY}), else the key in {@code masterKeyFile}, created with mode 0600 when missing.
   *
   * @throws IllegalStateException when the master key is malformed or differs from the schema's
   * @throws JdbcStoreException when the database cannot be reached or migrated
   */
  public static JdbcKeyStore open(String jdbcUrl, @Nullable String masterKeyBase64, Path masterKeyFile) {
    Builder b = builder().jdbcUrl(jdbcUrl);
    if (masterKeyBase64 != null && !masterKeyBase64.isBlank()) {
      b.masterKey(masterKeyBase64);
    } else {
      b.masterKeyFile(masterKeyFile);
    }
    return b.build();
  }

  /** The schema holding the tables. */
  public String schema() {
    return db.schema();
  }

  /**
   * The database this store uses: the host's {@code DataSource}, or the pool it built from a URL (closed with
   * the store). A {@link JdbcCreditLedger} and a {@link JdbcUsageLog} on the same schema may share it; close
   * them before the store.
   */
  public DataSource dataSource() {
    return db.dataSource();
  }

  /**
   * Applies the changes other instances have made, now, rather than at the next notification or poll; answers
   * when they are applied and the listeners told.
   *
   * @throws JdbcStoreException when the database cannot be read
   */
  public void refresh() {
    try {
      follower.catchUp();
    } catch (SQLException e) {
      throw new JdbcStoreException("could not read the changes of schema " + db.schema(), e);
    }
  }

  // ------------------------------------------------------------------ reads (from memory)

  @Override
  public @Nullable AccessKey accessKey(String id) {
    return mirror.memory().accessKey(id);
  }

  @Override
  public List<AccessKey> accessKeys(@Nullable String beforeId, int limit) {
    return mirror.memory().accessKeys(beforeId, limit);
  }

  @Override
  public @Nullable AccessKeyConfiguration configuration(String id) {
    return mirror.memory().configuration(id);
  }

  @Override
  public List<AccessKeyConfiguration> configurations() {
    return mirror.memory().configurations();
  }

  @Override
  public @Nullable ProviderKey providerKey(String id) {
    return mirror.memory().providerKey(id);
  }

  @Override
  public List<ProviderKey> providerKeys() {
    return mirror.memory().providerKeys();
  }

  @Override
  public @Nullable CustomProvider provider(String providerId) {
    return mirror.memory().provider(providerId);
  }

  @Override
  public List<CustomProvider> providers() {
    return mirror.memory().providers();
  }

  @Override
  public @Nullable VirtualModel virtualModel(String id) {
    return mirror.memory().virtualModel(id);
  }

  @Override
  public List<VirtualModel> virtualModels() {
    return mirror.memory().virtualModels();
  }

  // ------------------------------------------------------------------ changes (database first)

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putAccessKey(AccessKey key) {
    put(Table.ACCESS_KEYS, Objects.requireNonNull(key, "key"));
  }

  /**
   * One {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceAccessKey(AccessKey key) {
    return replace(Table.ACCESS_KEYS, Objects.requireNonNull(key, "key"));
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteAccessKey(String id) {
    return delete(Table.ACCESS_KEYS, id);
  }

  /**
   * Records the last use in memory at once and in the database within about a second (a later time only, and
   * without notifying other instances: it is advisory).
   */
  @Override
  public void touchAccessKey(String id, Instant when) {
    if (mirror.memory().accessKey(id) != null) {
      mirror.memory().touchAccessKey(id, when);
      follower.touched(id, when);
    }
  }

  @Override
  public @Nullable AdminKey adminKey(String id) {
    return mirror.memory().adminKey(id);
  }

  @Override
  public List<AdminKey> adminKeys(@Nullable String beforeId, int limit) {
    return mirror.memory().adminKeys(beforeId, limit);
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putAdminKey(AdminKey key) {
    put(Table.ADMIN_KEYS, Objects.requireNonNull(key, "key"));
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteAdminKey(String id) {
    return delete(Table.ADMIN_KEYS, id);
  }

  /**
   * As {@link #replaceAccessKey}: one {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceAdminKey(AdminKey key) {
    return replace(Table.ADMIN_KEYS, Objects.requireNonNull(key, "key"));
  }

  /**
   * Deletes the admin API key in one transaction that takes a transaction advisory lock of the schema's admin
   * keys, so deleters on every instance run one at a time, and deletes only while another admin key row remains:
   * instances deleting the last keys at once never leave none.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    Objects.requireNonNull(id, "id");
    mirror.lock().lock();
    try {
      Database.AdminKeyDeleted result = db.deleteAdminKeyUnlessLast(id);
      switch (result) {
        case DELETED -> {
          mirror.remove(Table.ADMIN_KEYS, id);
          return AdminKeyDeletion.DELETED;
        }
        case NOT_FOUND -> {
          mirror.removeIfPresent(Table.ADMIN_KEYS, id); // deleted elsewhere; the copy follows the database at once
          return AdminKeyDeletion.NOT_FOUND;
        }
        default -> {
          return AdminKeyDeletion.LAST;
        }
      }
    } catch (SQLException e) {
      throw new JdbcStoreException("could not delete " + Table.ADMIN_KEYS.type() + " " + id + " in schema "
          + db.schema(), e);
    } finally {
      mirror.lock().unlock();
    }
  }

  /** As {@link #touchAccessKey}: in memory at once, in the database within about a second, no notification. */
  @Override
  public void touchAdminKey(String id, Instant when) {
    if (mirror.memory().adminKey(id) != null) {
      mirror.memory().touchAdminKey(id, when);
      follower.touched(id, when);
    }
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    Objects.requireNonNull(configuration, "configuration");
    if (configuration.id() == null) {
      throw new IllegalArgumentException("a stored configuration needs an id");
    }
    if (configuration.hasInlineKeys()) {
      throw new IllegalArgumentException("a stored configuration must reference provider keys by id");
    }
    put(Table.CONFIGURATIONS, configuration);
  }

  /**
   * As {@link #replaceAccessKey}: one {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    Objects.requireNonNull(configuration, "configuration");
    if (configuration.id() == null) {
      throw new IllegalArgumentException("a stored configuration needs an id");
    }
    if (configuration.hasInlineKeys()) {
      throw new IllegalArgumentException("a stored configuration must reference provider keys by id");
    }
    return replace(Table.CONFIGURATIONS, configuration);
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteConfiguration(String id) {
    return delete(Table.CONFIGURATIONS, id);
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putProviderKey(ProviderKey key) {
    put(Table.PROVIDER_KEYS, Objects.requireNonNull(key, "key"));
  }

  /**
   * As {@link #replaceAccessKey}: one {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceProviderKey(ProviderKey key) {
    return replace(Table.PROVIDER_KEYS, Objects.requireNonNull(key, "key"));
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteProviderKey(String id) {
    return delete(Table.PROVIDER_KEYS, id);
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putProvider(CustomProvider provider) {
    put(Table.PROVIDERS, Objects.requireNonNull(provider, "provider"));
  }

  /**
   * As {@link #replaceAccessKey}: one {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceProvider(CustomProvider provider) {
    return replace(Table.PROVIDERS, Objects.requireNonNull(provider, "provider"));
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteProvider(String providerId) {
    return delete(Table.PROVIDERS, providerId);
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public void putVirtualModel(VirtualModel model) {
    put(Table.VIRTUAL_MODELS, Objects.requireNonNull(model, "model"));
  }

  /**
   * As {@link #replaceAccessKey}: one {@code UPDATE ... WHERE id = ?}: replaces only a row that exists, and never re-inserts one another instance
   * deleted; answers whether it replaced.
   *
   * @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here)
   */
  @Override
  public boolean replaceVirtualModel(VirtualModel model) {
    return replace(Table.VIRTUAL_MODELS, Objects.requireNonNull(model, "model"));
  }

  /** @throws JdbcStoreException when the database does not acknowledge the change (it is then not applied here) */
  @Override
  public boolean deleteVirtualModel(String id) {
    return delete(Table.VIRTUAL_MODELS, id);
  }

  @Override
  public @Nullable String gatewayConfig() {
    return mirror.memory().gatewayConfig();
  }

  /**
   * Writes the document to the one row of {@code gateway_config} (the database keeps it in a binary JSON column: its
   * whitespace and member order may change); every instance on the schema applies it. Answers true.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   * @throws JdbcStoreException when the database refuses or cannot be reached (nothing changed)
   */
  @Override
  public boolean putGatewayConfig(String json) {
    put(Table.GATEWAY_CONFIG, Objects.requireNonNull(json, "json"));
    return true;
  }

  /**
   * As {@link KeyStore#updateGatewayConfig}: one transaction that takes an advisory lock of the schema's gateway
   * configuration, reads the committed document, writes {@code change}'s answer and commits; updates on other
   * instances run before or after it, never interleaved. Answers the document written.
   *
   * @throws IllegalArgumentException when {@code change} answers something other than a JSON object
   * @throws JdbcStoreException when the database refuses or cannot be reached (nothing changed)
   */
  @Override
  public String updateGatewayConfig(KeyStore.GatewayConfigChange change) {
    Objects.requireNonNull(change, "change");
    mirror.lock().lock();
    try {
      String next = db.updateGatewayConfig(change);
      mirror.put(Table.GATEWAY_CONFIG, next);
      return next;
    } catch (SQLException e) {
      throw new JdbcStoreException("could not store gateway configuration in schema " + db.schema(), e);
    } finally {
      mirror.lock().unlock();
    }
  }

  @Override
  public void addListener(Listener listener) {
    mirror.addListener(listener);
  }

  private <T> void put(Table<T> table, T value) {
    String key = table.keyOf().apply(value);
    mirror.lock().lock();
    try {
      db.put(table, value);
      mirror.put(table, value);
    } catch (SQLException e) {
      throw new JdbcStoreException("could not store " + table.type() + " " + key + " in schema " + db.schema(), e);
    } finally {
      mirror.lock().unlock();
    }
  }

  /**
   * Replaces the row when it exists and then the copy; when the database holds no row, the copy drops the
   * resource too (another instance deleted it, and the change may not have arrived yet).
   */
  private <T> boolean replace(Table<T> table, T value) {
    String key = table.keyOf().apply(value);
    mirror.lock().lock();
    try {
      if (db.replace(table, value)) {
        mirror.put(table, value);
        return true;
      }
      mirror.removeIfPresent(table, key);
      return false;
    } catch (SQLException e) {
      throw new JdbcStoreException("could not store " + table.type() + " " + key + " in schema " + db.schema(), e);
    } finally {
      mirror.lock().unlock();
    }
  }

  private boolean delete(Table<?> table, String key) {
    Objects.requireNonNull(key, "id");
    mirror.lock().lock();
    try {
      boolean deleted = db.delete(table, key);
      mirror.remove(table, key);
      return deleted; // the database decides: another instance may have deleted it first
    } catch (SQLException e) {
      throw new JdbcStoreException("could not delete " + table.type() + " " + key + " in schema " + db.schema(), e);
    } finally {
      mirror.lock().unlock();
    }
  }

  /**
   * Stops following changes (the background thread and its LISTEN connection), writes pending last-use times,
   * and closes the connection pool when the store built it from a URL; a host's {@code DataSource} is left
   * open. Closing again does nothing. Reads keep answering from the last copy.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    follower.close();
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcKeyStore[schema=" + db.schema() + "]";
  }

  /**
   * Where the database is, where the master key comes from, and how changes are followed. {@code build()}
   * opens the store.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable String jdbcUrl;
    private @Nullable String username;
    private @Nullable String password;
    private int maximumPoolSize = 5;
    private @Nullable String masterKey;
    private @Nullable Path masterKeyFile;
    private String schema = "aigateway";
    private Duration pollInterval = Duration.ofMillis(250);
    private boolean listen = true;
    private Duration changeRetention = Duration.ofDays(1);
    private Duration queryTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The host's {@code DataSource} (a pool, for instance HikariCP): the store borrows a connection per
     * statement and holds one for LISTEN while open, so the pool needs at least two. The store never closes it.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * A PostgreSQL JDBC URL ({@code jdbc:postgresql://HOST:PORT/DB}, user and password as URL parameters or
     * {@link #credentials}): the store builds its own HikariCP pool and closes it on {@link #close()}.
     */
    public Builder jdbcUrl(String jdbcUrl) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql: but was '"
            + jdbcUrl.split("[?]", 2)[0] + "'"); // the query part may hold a password
      }
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /** The user and password for {@link #jdbcUrl} (instead of URL parameters). */
    public Builder credentials(String username, String password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The size of the pool built for {@link #jdbcUrl}; default 5 (one of them LISTENs). */
    public Builder maximumPoolSize(int size) {
      if (size < 2) {
        throw new IllegalArgumentException("maximumPoolSize must be >= 2 but was " + size);
      }
      this.maximumPoolSize = size;
      return this;
    }

    /**
     * The master key as given by the host (base64 of 32 bytes, for instance from {@code AIGATEWAY_MASTER_KEY} or
     * a secret manager). Every instance sharing the database needs the same key.
     */
    public Builder masterKey(String base64) {
      this.masterKey = Objects.requireNonNull(base64, "masterKey");
      return this;
    }

    /**
     * A file holding the master key (base64 of 32 bytes, readable by its owner only), created with mode 0600
     * when missing: as the data directory's {@code master.key}. For several instances, give each a copy of the
     * same file; an instance that created a key of its own is refused at start.
     */
    public Builder masterKeyFile(Path file) {
      this.masterKeyFile = Objects.requireNonNull(file, "masterKeyFile");
      return this;
    }

    /** The schema holding the tables (created when missing); default {@code aigateway}. */
    public Builder schema(String schema) {
      this.schema = Sql.checkSchema(Objects.requireNonNull(schema, "schema"));
      return this;
    }

    /**
     * How often the change log is read when no notification arrives: the longest a change made elsewhere
     * takes to arrive when notifications are lost. Default 250 ms; 10 ms to 10 s.
     */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "pollInterval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("pollInterval must be between 10 ms and 10 s but was " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * Whether to LISTEN for change notifications (default true). Turn it off where the connection cannot hold
     * a LISTEN (PgBouncer in transaction mode): changes then arrive by polling alone.
     */
    public Builder listen(boolean listen) {
      this.listen = listen;
      return this;
    }

    /**
     * How long the change log keeps a change (default 1 day). An instance that has applied nothing for longer
     * reloads everything.
     */
    public Builder changeRetention(Duration retention) {
      Objects.requireNonNull(retention, "changeRetention");
      if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("changeRetention must be at least 1 minute but was " + retention);
      }
      this.changeRetention = retention;
      return this;
    }

    /** The longest one statement may run (default 10 s). */
    public Builder queryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "queryTimeout");
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("queryTimeout must be at least 1 s but was " + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * Opens the store: migrates the schema, checks the master key, loads everything into memory and starts
     * following changes.
     *
     * @throws IllegalStateException when neither or both of a data source and a URL, or of a master key and a
     *     key file, are given; when the master key is malformed, its file open to other users, or different
     *     from the schema's
     * @throws JdbcStoreException when the database cannot be reached, migrated or read
     */
    public JdbcKeyStore build() {
      if ((dataSource == null) == (jdbcUrl == null)) {
        throw new IllegalStateException("give exactly one of dataSource(...) and jdbcUrl(...)");
      }
      if ((masterKey == null) == (masterKeyFile == null)) {
        throw new IllegalStateException("give exactly one of masterKey(...) and masterKeyFile(...)");
      }
      SecretBox box = box();
      HikariDataSource owned = dataSource == null ? pool(Objects.requireNonNull(jdbcUrl, "jdbcUrl")) : null;
      DataSource ds = owned != null ? owned : Objects.requireNonNull(dataSource, "dataSource");
      Database db = new Database(ds, schema, new StoreCodec(box), queryTimeout);
      try {
        db.migrate();
        db.checkMasterKey(box);
        Database.Snapshot snapshot = db.loadAll();
        Mirror mirror = new Mirror(snapshot.memory());
        ChangeFollower follower = new ChangeFollower(db, mirror, snapshot.lastSeq(), pollInterval, listen,
            changeRetention);
        follower.start();
        return new JdbcKeyStore(db, mirror, follower, owned);
      } catch (SQLException e) {
        closeQuietly(owned);
        throw new JdbcStoreException("could not open the store in schema " + schema + " (SQL state "
            + e.getSQLState() + ")", e);
      } catch (RuntimeException e) {
        closeQuietly(owned);
        throw e;
      }
    }

    private SecretBox box() {
      if (masterKey != null) {
        return SecretBox.fromEnvironment(masterKey);
      }
      Path file = Objects.requireNonNull(masterKeyFile, "masterKeyFile");
      try {
        SecretBox read = SecretBox.readFile(file);
        return read != null ? read : SecretBox.createFile(file);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read or create the master key file " + file, e);
      }
    }

    private HikariDataSource pool(String url) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      if (username != null) {
        config.setUsername(username);
        config.setPassword(password);
      }
      config.setMaximumPoolSize(maximumPoolSize);
      config.setMinimumIdle(1);
      config.setPoolName("aigateway-jdbc-" + schema);
      config.setConnectionTimeout(10_000);
      return new HikariDataSource(config);
    }

    private static void closeQuietly(@Nullable HikariDataSource pool) {
      if (pool != null) {
        pool.close();
      }
    }
  }
}
