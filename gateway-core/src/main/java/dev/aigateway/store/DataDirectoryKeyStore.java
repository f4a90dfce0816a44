package dev.aigateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.store.AppendLog;
import dev.aigateway.internal.store.InMemoryKeyStore;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyStore} kept in a data directory, durable before each mutation returns.
 *
 * <p>Every change is appended to {@code store.log} as one JSON line and forced to disk
 * ({@code FileChannel.force}) before the call returns, so a single change costs one append and one fsync
 * however many records there are. When the log holds more than twice the live records (and at least
 * 1,000 lines), it is compacted: the live records are written to a temporary file, forced, atomically
 * renamed over the log, and the directory is forced.
 *
 * <p>Every line of the log carries a CRC32C checksum of its content (format version 2). On start the log
 * is replayed; a torn final line (a crash mid-append, never acknowledged) is dropped, and a line whose
 * checksum does not match, or any other damage, stops the start with a message naming the file and the
 * line, and the file is left as it is: the store never silently empties or alters itself. A log written
 * before checksums (version 1) is read as it is and, before anything is appended to it, rewritten as
 * version 2 with a checksum on every line (temporary file, forced, atomic rename), so every later change
 * is checked; see {@code AppendLog} for the format.
 *
 * <p>Provider key values are sealed with AES-256-GCM; access keys and admin API keys are stored as digests
 * only. The master key is {@code masterKeyBase64} ({@code AIGATEWAY_MASTER_KEY}) when given, else the {@code master.key}
 * file, which is created with mode 0600 once the log has been read and holds no sealed value. Opening
 * refuses to start (and creates nothing) when {@code master.key} is missing but the log holds sealed
 * values, when a key is not the base64 of 32 bytes, and when {@code master.key} may be read by other users
 * (on a file system with POSIX permissions: group or other bits set). When {@code master.key} exists but
 * {@code store.log} is missing or empty, the directory has lost its records: the store starts empty and
 * logs a warning naming the directory. No message holds a key or a provider key value.
 *
 * <p>Reads are served from memory. I/O failures surface as {@link UncheckedIOException}.
 *
 * <p>Thread-safety: safe for concurrent use; reads take no lock and mutations are serialised.
 */
public final class DataDirectoryKeyStore implements KeyStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryKeyStore.class);
  static final String LOG_FILE = "store.log";
  static final String MASTER_KEY_FILE = "master.key";
  /** Records that earlier versions kept for the runnable server ({@code x:adminKey}, ...); skipped on replay. */
  private static final String RETIRED_PREFIX = "x:";

  private final Path dir;
  private final InMemoryKeyStore memory = new InMemoryKeyStore();
  private final Kind<AccessKeyConfiguration> configurations;
  private final Kind<ProviderKey> providerKeys;
  private final Kind<CustomProvider> providers;
  private final Kind<VirtualModel> virtualModels;
  private final Kind<AccessKey> accessKeys;
  private final Kind<AdminKey> adminKeys;
  /** The one gateway configuration document ({@code /gateway-config}), kept as given. */
  private final Kind<String> gatewayConfig;
  /** Each kind by its type in the log; compaction writes them in {@link #compactionOrder()}. */
  private final Map<String, Kind<?>> kinds;
  private final Object lock = new Object();
  private final AppendLog log;
  /** Set while opening: the given key, or a new one once the log has been read and holds no sealed value. */
  private @Nullable SecretBox box;

  private DataDirectoryKeyStore(Path dir, @Nullable SecretBox given) {
    this.dir = dir;
    this.box = given;
    StoreCodec codec = new StoreCodec(this::box);
    InMemoryKeyStore m = memory;
    configurations = new Kind<>("configuration", codec::configuration, codec::configuration, m::putConfiguration,
        m::deleteConfiguration, m::configurations,
        c -> m.configuration(Objects.requireNonNull(c.id(), "a stored configuration needs an id")) != null);
    providerKeys = new Kind<>("providerKey", codec::providerKey, codec::providerKey, m::putProviderKey,
        m::deleteProviderKey, m::providerKeys, k -> m.providerKey(k.id()) != null);
    providers = new Kind<>("provider", codec::provider, codec::provider, m::putProvider, m::deleteProvider,
        m::providers, p -> m.provider(p.providerId()) != null);
    virtualModels = new Kind<>("virtualModel", codec::virtualModel, codec::virtualModel, m::putVirtualModel,
        m::deleteVirtualModel, m::virtualModels, v -> m.virtualModel(v.id()) != null);
    accessKeys = new Kind<>("accessKey", codec::accessKey, codec::accessKey, m::putAccessKey, m::deleteAccessKey,
        () -> m.accessKeys(null, Integer.MAX_VALUE), k -> m.accessKey(k.id()) != null);
    adminKeys = new Kind<>("adminKey", codec::adminKey, codec::adminKey, m::putAdminKey, m::deleteAdminKey,
        () -> m.adminKeys(null, Integer.MAX_VALUE), k -> m.adminKey(k.id()) != null);
    gatewayConfig = new Kind<>("gatewayConfig",
        json -> JsonNodeFactory.instance.objectNode().put("id", GATEWAY_CONFIG_ID).put("document", json),
        data -> data.path("document").asText(), m::putGatewayConfig, id -> false,
        () -> {
          String json = m.gatewayConfig();
          return json == null ? List.of() : List.of(json);
        }, json -> m.gatewayConfig() != null);
    kinds = Map.of(configurations.type(), configurations, providerKeys.type(), providerKeys, providers.type(),
        providers, virtualModels.type(), virtualModels, accessKeys.type(), accessKeys, adminKeys.type(), adminKeys,
        gatewayConfig.type(), gatewayConfig);
    // without a master key, sealed provider key values are only counted: if any is live, opening stops
    Set<String> sealedWithoutKey = new HashSet<>();
    this.log = AppendLog.open(dir, LOG_FILE, new AppendLog.Replay() {
      @Override
      public void put(String type, JsonNode data) {
        Kind<?> kind = kind(type);
        if (kind == null) {
          return;
        }
        if (type.equals(providerKeys.type()) && given == null) {
          String id = data.path("id").asText();
          if (data.hasNonNull("sealedValue")) {
            sealedWithoutKey.add(id);
            return;
          }
          sealedWithoutKey.remove(id);
        }
        kind.replayPut(data);
      }

      @Override
      public void delete(String type, String id) {
        Kind<?> kind = kind(type);
        if (kind != null) {
          if (type.equals(providerKeys.type())) {
            sealedWithoutKey.remove(id);
          }
          // replaying a delete: whether the record still existed does not matter
          boolean unused = kind.remove().test(id);
        }
      }

      @Override
      public void replayed() {
        if (!sealedWithoutKey.isEmpty()) {
          throw new IllegalStateException(missingMasterKey(dir, sealedWithoutKey.size()));
        }
      }
    });
    if (given == null) {
      Path keyFile = dir.resolve(MASTER_KEY_FILE);
      try {
        this.box = SecretBox.createFile(keyFile);
      } catch (IOException e) {
        log.close();
        throw new UncheckedIOException("could not create the master key file " + keyFile, e);
      }
    }
  }

  private SecretBox box() {
    return Objects.requireNonNull(box, "the master key is set while opening");
  }

  private static String missingMasterKey(Path dir, int sealed) {
    return "The master key file " + dir.resolve(MASTER_KEY_FILE) + " is missing, but " + dir.resolve(LOG_FILE)
        + " holds " + sealed + (sealed == 1 ? " provider key value" : " provider key values")
        + " sealed with a master key. Restore " + MASTER_KEY_FILE + " into " + dir
        + " from a backup, or set AIGATEWAY_MASTER_KEY to the key it held. Refusing to start; nothing was "
        + "created or changed (a new key could not read those values).";
  }

  private static String lostLog(Path dir, boolean exists) {
    return "The data directory " + dir + " has a master key (" + MASTER_KEY_FILE + ") but its log " + LOG_FILE
        + (exists ? " is empty" : " is missing") + ": whatever access keys, provider keys and configurations it "
        + "held are not loaded, and the store starts empty. If this directory held data, stop the gateway, check "
        + "that this is the right data directory, and restore " + LOG_FILE + " from a backup.";
  }

  /**
   * Opens (creating if needed) the store in {@code dir}. The master key comes from
   * {@code AIGATEWAY_MASTER_KEY} when {@code masterKeyBase64} is given, else from {@code dir/master.key},
   * created with mode 0600 on first use.
   *
   * @throws IllegalStateException when the data is damaged or does not decrypt, when {@code master.key} is
   *     missing but sealed values exist, when a master key is malformed, or when {@code master.key} may be
   *     read by other users (nothing is created or changed)
   * @throws UncheckedIOException when the directory, the master key or the log cannot be read or created
   */
  public static DataDirectoryKeyStore open(Path dir, @Nullable String masterKeyBase64) {
    return open(dir, masterKeyBase64, message -> LOG.warn("{}", message));
  }

  /** {@link #open(Path, String)}, with the warnings about the data directory sent to {@code warnings}. */
  static DataDirectoryKeyStore open(Path dir, @Nullable String masterKeyBase64, Consumer<String> warnings) {
    Objects.requireNonNull(dir, "dir");
    Path keyFile = dir.resolve(MASTER_KEY_FILE);
    Path logFile = dir.resolve(LOG_FILE);
    @Nullable SecretBox box;
    try {
      Files.createDirectories(dir);
      box = masterKeyBase64 != null && !masterKeyBase64.isBlank() ? SecretBox.fromEnvironment(masterKeyBase64)
          : SecretBox.readFile(keyFile);
      if (Files.exists(keyFile) && (!Files.exists(logFile) || Files.size(logFile) == 0)) {
        warnings.accept(lostLog(dir, Files.exists(logFile)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the data directory " + dir, e);
    }
    return new DataDirectoryKeyStore(dir, box);
  }

  public Path directory() {
    return dir;
  }

  // ------------------------------------------------------------------ reads

  @Override
  public @Nullable AccessKey accessKey(String id) {
    return memory.accessKey(id);
  }

  @Override
  public List<AccessKey> accessKeys(@Nullable String beforeId, int limit) {
    return memory.accessKeys(beforeId, limit);
  }

  @Override
  public @Nullable AccessKeyConfiguration configuration(String id) {
    return memory.configuration(id);
  }

  @Override
  public List<AccessKeyConfiguration> configurations() {
    return memory.configurations();
  }

  @Override
  public @Nullable ProviderKey providerKey(String id) {
    return memory.providerKey(id);
  }

  @Override
  public List<ProviderKey> providerKeys() {
    return memory.providerKeys();
  }

  @Override
  public @Nullable CustomProvider provider(String providerId) {
    return memory.provider(providerId);
  }

  @Override
  public List<CustomProvider> providers() {
    return memory.providers();
  }

  @Override
  public @Nullable VirtualModel virtualModel(String id) {
    return memory.virtualModel(id);
  }

  @Override
  public List<VirtualModel> virtualModels() {
    return memory.virtualModels();
  }

  // ------------------------------------------------------------------ writes

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public void putAccessKey(AccessKey key) {
    put(accessKeys, key);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceAccessKey(AccessKey key) {
    return replace(accessKeys, Objects.requireNonNull(key, "key"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteAccessKey(String id) {
    return delete(accessKeys, id);
  }

  @Override
  public void touchAccessKey(String id, Instant when) {
    memory.touchAccessKey(id, when); // in memory only: lastUsed is advisory and not worth an fsync per request
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public @Nullable AdminKey adminKey(String id) {
    return memory.adminKey(id);
  }

  @Override
  public List<AdminKey> adminKeys(@Nullable String beforeId, int limit) {
    return memory.adminKeys(beforeId, limit);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public void putAdminKey(AdminKey key) {
    put(adminKeys, Objects.requireNonNull(key, "key"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceAdminKey(AdminKey key) {
    return replace(adminKeys, Objects.requireNonNull(key, "key"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteAdminKey(String id) {
    return delete(adminKeys, Objects.requireNonNull(id, "id"));
  }

  /**
   * Checks and deletes under the lock that serialises every mutation of this store.
   *
   * @throws UncheckedIOException when the change cannot be made durable (it is then not made)
   */
  @Override
  public AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    Objects.requireNonNull(id, "id");
    synchronized (lock) {
      if (memory.adminKey(id) == null) {
        return AdminKeyDeletion.NOT_FOUND;
      }
      if (memory.adminKeys(null, 2).size() < 2) {
        return AdminKeyDeletion.LAST;
      }
      return delete(adminKeys, id) ? AdminKeyDeletion.DELETED : AdminKeyDeletion.NOT_FOUND;
    }
  }

  @Override
  public void touchAdminKey(String id, Instant when) {
    memory.touchAdminKey(id, when); // in memory only, as for access keys
  }

  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    put(configurations, configuration);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    Objects.requireNonNull(configuration, "configuration");
    if (configuration.id() == null) {
      throw new IllegalArgumentException("a stored configuration needs an id");
    }
    if (configuration.hasInlineKeys()) {
      throw new IllegalArgumentException("a stored configuration must reference provider keys by id");
    }
    return replace(configurations, configuration);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteConfiguration(String id) {
    return delete(configurations, id);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public void putProviderKey(ProviderKey key) {
    put(providerKeys, key);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceProviderKey(ProviderKey key) {
    return replace(providerKeys, Objects.requireNonNull(key, "key"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteProviderKey(String id) {
    return delete(providerKeys, id);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public void putProvider(CustomProvider provider) {
    put(providers, provider);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceProvider(CustomProvider provider) {
    return replace(providers, Objects.requireNonNull(provider, "provider"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteProvider(String providerId) {
    return delete(providers, providerId);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public void putVirtualModel(VirtualModel model) {
    put(virtualModels, model);
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean replaceVirtualModel(VirtualModel model) {
    return replace(virtualModels, Objects.requireNonNull(model, "model"));
  }

  /** @throws UncheckedIOException when the change cannot be made durable (it is then not made) */
  @Override
  public boolean deleteVirtualModel(String id) {
    return delete(virtualModels, id);
  }

  @Override
  public @Nullable String gatewayConfig() {
    return memory.gatewayConfig();
  }

  /**
   * Logs the document, durable before this returns, then reports it; answers true.
   *
   * @throws UncheckedIOException when the change cannot be made durable (it is then not made)
   */
  @Override
  public boolean putGatewayConfig(String json) {
    put(gatewayConfig, Objects.requireNonNull(json, "json"));
    return true;
  }

  @Override
  public void addListener(Listener listener) {
    memory.addListener(listener);
  }

  /** Logs the change, then makes it visible (the in-memory store tells the listeners). */
  private <T> void put(Kind<T> kind, T value) {
    ObjectNode data = kind.encode().apply(value);
    synchronized (lock) {
      log.put(kind.type(), data);
      kind.store().accept(value);
      maybeCompact();
    }
  }

  /**
   * Under the lock: when the resource exists, logs and applies the change as {@link #put} does; answers whether
   * it did. A missing one is neither logged nor stored.
   */
  private <T> boolean replace(Kind<T> kind, T value) {
    ObjectNode data = kind.encode().apply(value);
    synchronized (lock) {
      if (!kind.exists().test(value)) {
        return false;
      }
      log.put(kind.type(), data);
      kind.store().accept(value);
      maybeCompact();
      return true;
    }
  }

  private boolean delete(Kind<?> kind, String id) {
    synchronized (lock) {
      log.delete(kind.type(), id);
      boolean existed = kind.remove().test(id);
      maybeCompact();
      return existed;
    }
  }

  private @Nullable Kind<?> kind(String type) {
    Kind<?> kind = kinds.get(type);
    if (kind == null) {
      if (!type.startsWith(RETIRED_PREFIX)) {
        throw new IllegalStateException("unknown record type '" + type + "'");
      }
      LOG.debug("{}: skipping a '{}' record; this version no longer keeps it here", LOG_FILE, type);
    }
    return kind;
  }

  private void maybeCompact() {
    log.maybeCompact(this::liveRecords, this::writeLive);
  }

  private long liveRecords() {
    long n = 0;
    for (Kind<?> kind : compactionOrder()) {
      n += kind.all().get().size();
    }
    return n;
  }

  private void writeLive(AppendLog.Sink sink) {
    for (Kind<?> kind : compactionOrder()) {
      kind.writeTo(sink);
    }
  }

  private List<Kind<?>> compactionOrder() {
    return List.of(configurations, providerKeys, providers, virtualModels, accessKeys, adminKeys, gatewayConfig);
  }

  /**
   * Rewrites the log as one line per live record: temp file, force, atomic rename, force the directory.
   *
   * @throws UncheckedIOException when the rewrite fails
   */
  public void compact() {
    synchronized (lock) {
      log.compact(this::writeLive);
    }
  }

  /**
   * Forces and closes the log; closing again does nothing.
   *
   * @throws UncheckedIOException when the log cannot be forced or closed
   */
  @Override
  public void close() {
    synchronized (lock) {
      log.close();
    }
  }

  @Override
  public String toString() {
    return "DataDirectoryKeyStore[" + dir + "]";
  }

  /** One resource kind: its type in the log, its codec, and where it lives in memory. */
  private record Kind<T>(String type, Function<T, ObjectNode> encode, Function<JsonNode, T> decode,
      Consumer<T> store, Predicate<String> remove, Supplier<List<T>> all, Predicate<T> exists) {

    void replayPut(JsonNode data) {
      store.accept(decode.apply(data));
    }

    void writeTo(AppendLog.Sink sink) {
      for (T value : all.get()) {
        sink.put(type, encode.apply(value));
      }
    }
  }
}
