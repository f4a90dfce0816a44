package dev.aigateway.config;

import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads and writes access key configurations in the reference's JSON shape. Reading is strict: unknown
 * fields are refused, and every error is a {@link ConfigurationException} naming the JSON path and
 * the rule broken ({@code router.rules[0].steps[1].keys: must not be empty for a user step}).
 *
 * <pre>{@code
 * AccessKeyConfiguration c = ConfigurationJson.parse("{\"name\":\"web\",\"access\":{...}}");
 * gateway.admin().configurations().create(c);
 * }</pre>
 */
public final class ConfigurationJson {
  public static final int MAX_NAME = 255;
  public static final int MAX_METADATA = 4096;
  public static final int MAX_ALLOW_ENTRIES = 1000;
  public static final int MAX_RULES = 1000;
  public static final int MAX_STEPS = 20;
  public static final int MAX_KEYS = 100;

  private ConfigurationJson() {}

  /** Parses a create body, or a full configuration as written by {@link #write}. */
  public static AccessKeyConfiguration parse(String json) {
    return parse(Objects.requireNonNull(json, "json").getBytes(StandardCharsets.UTF_8));
  }

  /** Parses UTF-8 JSON bytes; invalid UTF-8 is refused. */
  public static AccessKeyConfiguration parse(byte[] json) {
    return ConfigurationCodec.read(Json.parseObject(Objects.requireNonNull(json, "json")), false);
  }

  /**
   * Parses a create body as the management API does: read-only fields ({@code id}, {@code uri},
   * timestamps) are refused as unknown.
   */
  public static AccessKeyConfiguration parseCreate(String json) {
    return ConfigurationCodec.read(Json.parseObject(Objects.requireNonNull(json, "json")), true);
  }

  /** Writes a configuration in the read shape (stored keys as {@code {"id"}}, inline keys redacted). */
  public static String write(AccessKeyConfiguration configuration) {
    return ConfigurationCodec.write(Objects.requireNonNull(configuration, "configuration"), null, null).toString();
  }
}
