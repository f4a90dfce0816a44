package dev.aigateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Gateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The server's own durable state, kept beside the key store in {@code DIR/server.json}: the digests of
 * generated admin API keys, and the limits and account settings set through {@code /gateway-config}.
 *
 * <pre>{@code
 * {"format":"aigateway-server","version":1,
 *  "adminKeys":[{"id":"aigak_...","digest":"<base64 SHA-256>","createdAt":"..."}],
 *  "gatewayConfig":{"maxRequestBytes":...,"totalTimeoutMs":...,"perRequestTimeoutMs":...,"maxAttempts":...,
 *                   "maxRetryWaitMs":...,"creditsEnforced":false,"processingFeeCentsPerMillionTokens":5,
 *                   "maxInputTokens":null,"maxOutputTokens":null,"metadata":null,"accountId":null}}
 * }</pre>
 *
 * <p>The file is small and each change rewrites it whole: written to {@code server.json.tmp}, forced,
 * atomically renamed over {@code server.json}, then the directory is forced. A change is durable when its
 * method returns, and a crash mid-write leaves the previous file intact (a stray temporary file is ignored).
 *
 * <p>Upgrade: versions before this file kept the same records in {@code store.log} as {@code x:adminKey}
 * and {@code x:gatewayConfig} lines. When {@code server.json} does not exist yet, those lines are read once
 * and written here, so a generated admin key and saved limits carry over; the key store skips them.
 *
 * <p>Thread-safety: safe for concurrent use; changes are serialised.
 */
public final class DataDirectorySettings {
  static final String FILE = "server.json";
  private static final String FORMAT = "aigateway-server";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path file;
  private ObjectNode root;

  private DataDirectorySettings(Path dir, ObjectNode root) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
    this.root = root;
  }

  /**
   * Reads {@code dir/server.json}; when it is missing, carries over what an older version kept in
   * {@code store.log} and writes the file.
   *
   * @throws IllegalStateException when {@code server.json} cannot be read (it is left as it is)
   * @throws UncheckedIOException when the directory or a file cannot be read or written
   */
  public static DataDirectorySettings open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path file = dir.resolve(FILE);
    try {
      Files.createDirectories(dir);
      if (Files.exists(file)) {
        return new DataDirectorySettings(dir, read(file));
      }
      ObjectNode migrated = migrate(dir.resolve("store.log"));
      DataDirectorySettings state = new DataDirectorySettings(dir, migrated);
      if (!migrated.equals(empty())) {
        state.write(migrated); // carried over from store.log: saved now; otherwise nothing is written until a change
      }
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException("could not open " + file, e);
    }
  }

  private static ObjectNode read(Path file) throws IOException {
    JsonNode node;
    try {
      node = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      node = null;
    }
    if (node == null || !FORMAT.equals(node.path("format").asText())) {
      throw new IllegalStateException("The data directory " + file.getParent() + " is damaged: " + FILE
          + " cannot be read. Refusing to start so that nothing is lost; restore the file from a backup.");
    }
    return (ObjectNode) node;
  }

  private static ObjectNode empty() {
    ObjectNode n = JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("version", 1);
    n.putArray("adminKeys");
    return n;
  }

  /**
   * Replays the {@code x:} lines of an older {@code store.log} (puts and deletes, in order). Lines that do
   * not parse are left to the key store, which refuses a damaged log and drops a torn last line.
   */
  private static ObjectNode migrate(Path legacyLog) throws IOException {
    ObjectNode state = empty();
    if (!Files.exists(legacyLog)) {
      return state;
    }
    List<ObjectNode> adminKeys = new ArrayList<>();
    for (String line : Files.readAllLines(legacyLog, StandardCharsets.UTF_8)) {
      if (!line.contains("\"x:")) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        continue;
      }
      String type = n.path("type").asText();
      boolean put = n.path("op").asText().equals("put") && n.path("data").isObject();
      String id = put ? n.path("data").path("id").asText() : n.path("id").asText();
      if (type.equals("x:adminKey")) {
        adminKeys.removeIf(k -> k.path("id").asText().equals(id));
        if (put) {
          adminKeys.add((ObjectNode) n.get("data"));
        }
      } else if (type.equals("x:gatewayConfig")) {
        state.remove("gatewayConfig");
        if (put) {
          ObjectNode limits = ((ObjectNode) n.get("data")).deepCopy();
          limits.remove("id");
          state.set("gatewayConfig", limits);
        }
      }
    }
    state.withArray("adminKeys").addAll(adminKeys);
    return state;
  }

  /** The digests (SHA-256) of the admin keys this server generated. */
  public synchronized List<byte[]> adminKeyDigests() {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode k : root.path("adminKeys")) {
      out.add(Base64.getDecoder().decode(k.path("digest").asText()));
    }
    return out;
  }

  /** Keeps the digest of a generated admin key; durable when this returns. */
  public synchronized void addAdminKey(String id, byte[] digest, Instant createdAt) {
    ObjectNode next = root.deepCopy();
    next.withArray("adminKeys").addObject().put("id", Objects.requireNonNull(id, "id"))
        .put("digest", Base64.getEncoder().encodeToString(digest))
        .put("createdAt", createdAt.toString());
    write(next);
  }

  /** The saved limits, each field not saved taken from {@code defaults}; null when none were saved. */
  public synchronized Gateway.@Nullable Limits limits(Gateway.Limits defaults) {
    JsonNode n = root.get("gatewayConfig");
    if (n == null || !n.isObject()) {
      return null;
    }
    return new Gateway.Limits(n.path("maxRequestBytes").asLong(defaults.maxRequestBytes()),
        Duration.ofMillis(n.path("totalTimeoutMs").asLong(defaults.totalTimeout().toMillis())),
        Duration.ofMillis(n.path("perRequestTimeoutMs").asLong(defaults.perAttemptTimeout().toMillis())),
        n.path("maxAttempts").asInt(defaults.maxAttempts()),
        Duration.ofMillis(n.path("maxRetryWaitMs").asLong(defaults.maxRetryWait().toMillis())));
  }

  /** The saved account settings, each field not saved taken from the defaults; null when none were saved. */
  public synchronized Gateway.@Nullable AccountSettings accountSettings() {
    JsonNode n = root.get("gatewayConfig");
    if (n == null || !n.isObject() || !n.has("processingFeeCentsPerMillionTokens")) {
      return null;
    }
    List<String> origins = corsAllowedOrigins();
    return new Gateway.AccountSettings(n.path("creditsEnforced").asBoolean(false),
        n.path("processingFeeCentsPerMillionTokens").asLong(Gateway.AccountSettings.DEFAULT_PROCESSING_FEE),
        optLong(n, "maxInputTokens"), optLong(n, "maxOutputTokens"), optText(n, "metadata"), optText(n, "accountId"),
        origins == null ? List.of() : origins);
  }

  /**
   * The saved allowed browser origins ({@code corsAllowedOrigins} of {@code /gateway-config}); null when none
   * were ever saved, so a host can fall back to its own setting.
   */
  public synchronized @Nullable List<String> corsAllowedOrigins() {
    JsonNode n = root.path("gatewayConfig").get("corsAllowedOrigins");
    if (n == null || !n.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>(n.size());
    n.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static @Nullable Long optLong(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asLong();
  }

  private static @Nullable String optText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Saves the limits, keeping the saved account settings; durable when this returns. */
  public synchronized void saveLimits(Gateway.Limits limits) {
    saveGatewayConfig(limits, accountSettings());
  }

  /** Saves the limits and the account settings ({@code /gateway-config}); durable when this returns. */
  public synchronized void saveGatewayConfig(Gateway.Limits limits, Gateway.@Nullable AccountSettings settings) {
    ObjectNode next = root.deepCopy();
    ObjectNode config = next.putObject("gatewayConfig").put("maxRequestBytes", limits.maxRequestBytes())
        .put("totalTimeoutMs", limits.totalTimeout().toMillis())
        .put("perRequestTimeoutMs", limits.perAttemptTimeout().toMillis())
        .put("maxAttempts", limits.maxAttempts())
        .put("maxRetryWaitMs", limits.maxRetryWait().toMillis());
    if (settings != null) {
      config.put("creditsEnforced", settings.creditsEnforced())
          .put("processingFeeCentsPerMillionTokens", settings.processingFeeCentsPerMillionTokens())
          .put("maxInputTokens", settings.maxInputTokens())
          .put("maxOutputTokens", settings.maxOutputTokens())
          .put("metadata", settings.metadata())
          .put("accountId", settings.accountId());
      ArrayNode origins = config.putArray("corsAllowedOrigins");
      settings.corsAllowedOrigins().forEach(origins::add);
    }
    write(next);
  }

  /** Temp file, force, atomic rename, force the directory; then {@code next} becomes the state. */
  private void write(ObjectNode next) {
    Path tmp = dir.resolve(FILE + ".tmp");
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
        out.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some platforms cannot force a directory; the rename itself is atomic there
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file + "; the change was not made", e);
    }
    root = next;
  }

  @Override
  public String toString() {
    return "DataDirectorySettings[" + file + "]";
  }
}
