package dev.aigateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.store.SecretBox;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * renamed over the log, and the directory is forced. On start the log is replayed; a torn final line
 * (a crash mid-append, never acknowledged) is dropped, and any other damage stops the start with a
 * message naming the line: the store never silently empties itself.
 *
 * <p>Provider key values are sealed with AES-256-GCM (see {@code master.key}); access keys are stored
 * as digests only. Reads are served from memory. Thread-safe; mutations are serialised.
 */
public final class DataDirectoryKeyStore implements KeyStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryKeyStore.class);
  static final String LOG_FILE = "store.log";
  static final String MASTER_KEY_FILE = "master.key";
  private static final String HEADER = "{\"format\":\"aigateway-store\",\"version\":1}";

  private final Path dir;
  private final Path logFile;
  private final StoreCodec codec;
  private final InMemoryKeyStore memory = new InMemoryKeyStore();
  private final Map<String, Map<String, ObjectNode>> extras = new LinkedHashMap<>();
  private final Object lock = new Object();
  private FileChannel channel;
  private long lines;

  private DataDirectoryKeyStore(Path dir, SecretBox box) throws IOException {
    this.dir = dir;
    this.logFile = dir.resolve(LOG_FILE);
    this.codec = new StoreCodec(box);
    load();
    this.channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    if (lines == 0) {
      appendRaw(HEADER);
      forceDirectory();
    }
  }

  /**
   * Opens (creating if needed) the store in {@code dir}. The master key comes from
   * {@code AIGATEWAY_MASTER_KEY} when {@code masterKeyBase64} is given, else from {@code dir/master.key},
   * created with mode 0600 on first use.
   *
   * @throws IllegalStateException when the data is damaged or does not decrypt (nothing is changed)
   */
  public static DataDirectoryKeyStore open(Path dir, @Nullable String masterKeyBase64) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Files.createDirectories(dir);
    return new DataDirectoryKeyStore(dir, SecretBox.load(masterKeyBase64, dir.resolve(MASTER_KEY_FILE)));
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

  /** Other durable records kept beside the resources (admin keys, gateway settings), by type then id. */
  public List<ObjectNode> records(String type) {
    synchronized (lock) {
      Map<String, ObjectNode> m = extras.get(type);
      List<ObjectNode> out = new ArrayList<>();
      if (m != null) {
        m.values().forEach(n -> out.add(n.deepCopy()));
      }
      return out;
    }
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void putAccessKey(AccessKey key) {
    write("accessKey", codec.accessKey(key), () -> memory.putAccessKey(key));
  }

  @Override
  public boolean deleteAccessKey(String id) {
    return delete("accessKey", id, () -> memory.deleteAccessKey(id));
  }

  @Override
  public void touchAccessKey(String id, Instant when) {
    memory.touchAccessKey(id, when); // in memory only: lastUsed is advisory and not worth an fsync per request
  }

  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    write("configuration", codec.configuration(configuration), () -> memory.putConfiguration(configuration));
  }

  @Override
  public boolean deleteConfiguration(String id) {
    return delete("configuration", id, () -> memory.deleteConfiguration(id));
  }

  @Override
  public void putProviderKey(ProviderKey key) {
    write("providerKey", codec.providerKey(key), () -> memory.putProviderKey(key));
  }

  @Override
  public boolean deleteProviderKey(String id) {
    return delete("providerKey", id, () -> memory.deleteProviderKey(id));
  }

  @Override
  public void putProvider(CustomProvider provider) {
    write("provider", codec.provider(provider), () -> memory.putProvider(provider));
  }

  @Override
  public boolean deleteProvider(String providerId) {
    return delete("provider", providerId, () -> memory.deleteProvider(providerId));
  }

  @Override
  public void putVirtualModel(VirtualModel model) {
    write("virtualModel", codec.virtualModel(model), () -> memory.putVirtualModel(model));
  }

  @Override
  public boolean deleteVirtualModel(String id) {
    return delete("virtualModel", id, () -> memory.deleteVirtualModel(id));
  }

  /** Stores another durable record (it must have a string {@code id}). */
  public void putRecord(String type, ObjectNode record) {
    String id = Objects.requireNonNull(record.path("id").textValue(), "record id");
    ObjectNode copy = record.deepCopy();
    write("x:" + type, copy, () -> extras.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(id, copy));
  }

  public boolean deleteRecord(String type, String id) {
    return delete("x:" + type, id, () -> {
      Map<String, ObjectNode> m = extras.get(type);
      return m != null && m.remove(id) != null;
    });
  }

  @Override
  public void addListener(Listener listener) {
    memory.addListener(listener);
  }

  private void write(String type, ObjectNode data, Runnable apply) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("op", "put");
    line.put("type", type);
    line.set("data", data);
    synchronized (lock) {
      append(line);
      apply.run();
      maybeCompact();
    }
  }

  private boolean delete(String type, String id, java.util.function.BooleanSupplier apply) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("op", "del");
    line.put("type", type);
    line.put("id", id);
    synchronized (lock) {
      append(line);
      boolean existed = apply.getAsBoolean();
      maybeCompact();
      return existed;
    }
  }

  private void append(ObjectNode line) {
    try {
      appendRaw(Json.MAPPER.writeValueAsString(line));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + logFile + "; the change was not made", e);
    }
  }

  private void appendRaw(String json) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(false);
    lines++;
  }

  private long liveRecords() {
    long n = memory.configurations().size() + memory.providerKeys().size() + memory.providers().size()
        + memory.virtualModels().size();
    n += memory.accessKeys(null, Integer.MAX_VALUE).size();
    for (Map<String, ObjectNode> m : extras.values()) {
      n += m.size();
    }
    return n;
  }

  private long compactAt = 1000;

  private void maybeCompact() {
    if (lines < compactAt) {
      return;
    }
    long live = liveRecords();
    if (lines > 2 * live + 1) {
      try {
        compact();
      } catch (IOException e) {
        LOG.warn("compacting {} failed; the log keeps growing until the next try", logFile, e);
      }
    }
    compactAt = Math.max(1000, 2 * liveRecords() + 1) + lines / 2;
  }

  /** Rewrites the log as one line per live record: temp file, force, atomic rename, force the directory. */
  public void compact() throws IOException {
    synchronized (lock) {
      Path tmp = dir.resolve(LOG_FILE + ".tmp");
      long count = 0;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        StringBuilder sb = new StringBuilder(1 << 16).append(HEADER).append('\n');
        count++;
        for (AccessKeyConfiguration c : memory.configurations()) {
          count += line(sb, "configuration", codec.configuration(c), out);
        }
        for (ProviderKey k : memory.providerKeys()) {
          count += line(sb, "providerKey", codec.providerKey(k), out);
        }
        for (CustomProvider p : memory.providers()) {
          count += line(sb, "provider", codec.provider(p), out);
        }
        for (VirtualModel vm : memory.virtualModels()) {
          count += line(sb, "virtualModel", codec.virtualModel(vm), out);
        }
        for (AccessKey k : memory.accessKeys(null, Integer.MAX_VALUE)) {
          count += line(sb, "accessKey", codec.accessKey(k), out);
        }
        for (Map.Entry<String, Map<String, ObjectNode>> e : extras.entrySet()) {
          for (ObjectNode n : e.getValue().values()) {
            count += line(sb, "x:" + e.getKey(), n, out);
          }
        }
        flush(sb, out);
        out.force(true);
      }
      channel.close();
      try {
        Files.move(tmp, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory();
      channel = FileChannel.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      lines = count;
    }
  }

  private static long line(StringBuilder sb, String type, ObjectNode data, FileChannel out) throws IOException {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("op", "put");
    line.put("type", type);
    line.set("data", data);
    sb.append(Json.MAPPER.writeValueAsString(line)).append('\n');
    if (sb.length() > (1 << 20)) {
      flush(sb, out);
    }
    return 1;
  }

  private static void flush(StringBuilder sb, FileChannel out) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      out.write(buf);
    }
    sb.setLength(0);
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("cannot force directory {} on this platform", dir, e);
    }
  }

  // ------------------------------------------------------------------ loading

  private void load() throws IOException {
    if (!Files.exists(logFile)) {
      return;
    }
    byte[] all = Files.readAllBytes(logFile);
    int start = 0;
    int lineNo = 0;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      lineNo++;
      boolean complete = end < all.length;
      String text = new String(all, start, end - start, StandardCharsets.UTF_8);
      try {
        JsonNode node = Json.MAPPER.readTree(text);
        if (lineNo == 1) {
          if (node == null || !"aigateway-store".equals(node.path("format").asText())) {
            throw new IllegalStateException("not an aigateway store");
          }
        } else {
          apply(node);
        }
      } catch (IOException | RuntimeException e) {
        if (!complete) {
          // a write that was cut off by a crash was never acknowledged: drop it
          LOG.warn("{}: dropping an incomplete last line (an interrupted write)", logFile);
          try (FileChannel c = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            c.truncate(start);
            c.force(true);
          }
          break;
        }
        throw new IllegalStateException("The data directory " + dir + " is damaged: " + LOG_FILE + " line " + lineNo
            + " cannot be read (" + e.getClass().getSimpleName() + ": " + shorten(e.getMessage()) + "). "
            + "Refusing to start so that nothing is lost; restore the file from a backup or move it aside.");
      }
      lines++;
      start = end + 1;
    }
  }

  private void apply(JsonNode node) {
    String op = node.path("op").asText();
    String type = node.path("type").asText();
    boolean put = op.equals("put");
    if (!put && !op.equals("del")) {
      throw new IllegalStateException("unknown op '" + op + "'");
    }
    JsonNode data = node.get("data");
    String id = put ? data.path("id").asText() : node.path("id").asText();
    switch (type) {
      case "accessKey":
        if (put) {
          memory.putAccessKey(codec.accessKey(data));
        } else {
          memory.deleteAccessKey(id);
        }
        break;
      case "configuration":
        if (put) {
          memory.putConfiguration(codec.configuration(data));
        } else {
          memory.deleteConfiguration(id);
        }
        break;
      case "providerKey":
        if (put) {
          memory.putProviderKey(codec.providerKey(data));
        } else {
          memory.deleteProviderKey(id);
        }
        break;
      case "provider":
        if (put) {
          memory.putProvider(codec.provider(data));
        } else {
          memory.deleteProvider(id);
        }
        break;
      case "virtualModel":
        if (put) {
          memory.putVirtualModel(codec.virtualModel(data));
        } else {
          memory.deleteVirtualModel(id);
        }
        break;
      default:
        if (!type.startsWith("x:")) {
          throw new IllegalStateException("unknown record type '" + type + "'");
        }
        String t = type.substring(2);
        if (put) {
          extras.computeIfAbsent(t, x -> new LinkedHashMap<>()).put(id, (ObjectNode) data);
        } else if (extras.containsKey(t)) {
          extras.get(t).remove(id);
        }
    }
  }

  private static String shorten(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int cut = s.indexOf('\n');
    String t = cut >= 0 ? s.substring(0, cut) : s;
    return t.length() > 160 ? t.substring(0, 160) : t;
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      channel.force(true);
      channel.close();
    }
  }

  @Override
  public String toString() {
    return "DataDirectoryKeyStore[" + dir + "]";
  }
}
