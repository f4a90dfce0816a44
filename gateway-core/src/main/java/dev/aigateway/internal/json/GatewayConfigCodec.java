package dev.aigateway.internal.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Gateway;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.cors.CorsOrigins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON form of the gateway configuration ({@code /gateway-config}): the request limits, durations
 * Go-style ({@code 120s}, {@code 1m30s}, {@code 500ms}), and the account settings. The management API answers
 * with it and reads its PATCH with it, and a {@code KeyStore} keeps it as the document
 * {@link #document(Gateway.Limits, Gateway.AccountSettings)} writes, read back with {@link #read}.
 */
public final class GatewayConfigCodec {
  /** The fields a PATCH (and a stored document) may hold. */
  public static final Set<String> FIELDS = Set.of("totalTimeout", "perRequestTimeout", "maxAttempts",
      "maxRequestBytes", "maxRetryWait", "maxInputTokens", "maxOutputTokens", "metadata", "accountId",
      "creditsEnforced", "processingFeeCentsPerMillionTokens", "corsAllowedOrigins");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private GatewayConfigCodec() {}

  /** The limits and account settings together, as one change applies them. */
  public record Config(Gateway.Limits limits, Gateway.AccountSettings settings) {}

  /**
   * The configuration as {@code GET /gateway-config} shows it; {@code uri} is written (after {@code accountId})
   * when given.
   */
  public static ObjectNode write(Gateway.Limits l, Gateway.AccountSettings s, @Nullable String uri) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    nullable(n, "accountId", s.accountId());
    if (uri != null) {
      n.put("uri", uri);
    }
    n.put("totalTimeout", duration(l.totalTimeout()));
    n.put("perRequestTimeout", duration(l.perAttemptTimeout()));
    n.put("maxRetryWait", duration(l.maxRetryWait()));
    n.put("maxAttempts", l.maxAttempts());
    n.put("maxRequestBytes", l.maxRequestBytes());
    if (s.maxInputTokens() == null) {
      n.putNull("maxInputTokens");
    } else {
      n.put("maxInputTokens", s.maxInputTokens());
    }
    if (s.maxOutputTokens() == null) {
      n.putNull("maxOutputTokens");
    } else {
      n.put("maxOutputTokens", s.maxOutputTokens());
    }
    nullable(n, "metadata", s.metadata());
    n.put("creditsEnforced", s.creditsEnforced());
    n.put("processingFeeCentsPerMillionTokens", s.processingFeeCentsPerMillionTokens());
    ArrayNode origins = n.putArray("corsAllowedOrigins");
    s.corsAllowedOrigins().forEach(origins::add);
    return n;
  }

  /** The document a store keeps: every field, no {@code uri}. */
  public static String document(Gateway.Limits l, Gateway.AccountSettings s) {
    return write(l, s, null).toString();
  }

  /**
   * Reads a stored document as a PATCH over {@code limits} and {@code settings} (a field it lacks keeps
   * their value).
   *
   * @throws ConfigurationException naming the first bad field (never echoing the document)
   */
  public static Config read(String document, Gateway.Limits limits, Gateway.AccountSettings settings) {
    ObjectNode node = Json.parseObject(document);
    node.retain(FIELDS); // a field a later version adds is left to it
    return patch(new Json.Obj(node, ""), limits, settings);
  }

  /**
   * Applies a PATCH: an omitted field is unchanged, {@code null} restores its default (or clears it). The whole
   * change is checked before anything is returned.
   *
   * @throws ConfigurationException naming the first bad field
   */
  public static Config patch(Json.Obj o, Gateway.Limits l, Gateway.AccountSettings s) {
    o.allowOnly(FIELDS);
    Gateway.AccountSettings settings = settings(o, s);
    Duration total = o.has("totalTimeout") ? duration(o, "totalTimeout", Duration.ofMinutes(2)) : l.totalTimeout();
    Duration attempt = o.has("perRequestTimeout") ? duration(o, "perRequestTimeout", Duration.ofSeconds(60))
        : l.perAttemptTimeout();
    Duration wait = o.has("maxRetryWait") ? duration(o, "maxRetryWait", Duration.ofSeconds(2)) : l.maxRetryWait();
    Integer attempts = o.optInt("maxAttempts", 1, 100);
    Integer bytes = o.optInt("maxRequestBytes", 1, Integer.MAX_VALUE - 8);
    if (attempt.compareTo(total) > 0) {
      throw new ConfigurationException("perRequestTimeout",
          "must not exceed totalTimeout (" + duration(total) + ")");
    }
    Gateway.Limits limits = new Gateway.Limits(
        o.has("maxRequestBytes") ? (bytes == null ? 20L << 20 : bytes) : l.maxRequestBytes(), total, attempt,
        o.has("maxAttempts") ? (attempts == null ? 10 : attempts) : l.maxAttempts(), wait);
    return new Config(limits, settings);
  }

  private static Gateway.AccountSettings settings(Json.Obj o, Gateway.AccountSettings s) {
    Boolean enforced = o.optBoolean("creditsEnforced");
    Integer fee = o.optInt("processingFeeCentsPerMillionTokens", 0, 1_000_000);
    Integer maxIn = o.optInt("maxInputTokens", 1, Integer.MAX_VALUE);
    Integer maxOut = o.optInt("maxOutputTokens", 1, Integer.MAX_VALUE);
    String metadata = o.optString("metadata", 4096);
    String accountId = o.optString("accountId", 255);
    return new Gateway.AccountSettings(
        o.has("creditsEnforced") ? enforced != null && enforced : s.creditsEnforced(),
        o.has("processingFeeCentsPerMillionTokens")
            ? (fee == null ? Gateway.AccountSettings.DEFAULT_PROCESSING_FEE : fee) : s.processingFeeCentsPerMillionTokens(),
        o.has("maxInputTokens") ? (maxIn == null ? null : Long.valueOf(maxIn)) : s.maxInputTokens(),
        o.has("maxOutputTokens") ? (maxOut == null ? null : Long.valueOf(maxOut)) : s.maxOutputTokens(),
        o.has("metadata") ? metadata : s.metadata(),
        o.has("accountId") ? accountId : s.accountId(),
        o.has("corsAllowedOrigins") ? origins(o) : s.corsAllowedOrigins());
  }

  /** {@code corsAllowedOrigins}: an array of {@code scheme://host[:port]} or {@code "*"}; null clears it. */
  private static List<String> origins(Json.Obj o) {
    List<Json.Element> els = o.optArray("corsAllowedOrigins");
    if (els == null) {
      return List.of();
    }
    if (els.size() > CorsOrigins.MAX_ENTRIES) {
      throw new ConfigurationException(o.child("corsAllowedOrigins"), "must have at most " + CorsOrigins.MAX_ENTRIES
          + " entries but had " + els.size());
    }
    List<String> out = new ArrayList<>(els.size());
    for (Json.Element e : els) {
      String entry = e.string(CorsOrigins.MAX_LENGTH);
      try {
        out.add(CorsOrigins.normalize(entry));
      } catch (IllegalArgumentException bad) {
        throw new ConfigurationException(e.path(), String.valueOf(bad.getMessage()));
      }
    }
    return out;
  }

  /** A Go-style duration: {@code 120s}, {@code 1m30s}, {@code 500ms}; null (in PATCH) restores the default. */
  private static Duration duration(Json.Obj o, String field, Duration defaultValue) {
    String v = o.optString(field, 32);
    if (v == null) {
      return defaultValue;
    }
    Matcher m = DURATION_PART.matcher(v);
    long nanos = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += (long) (n * unit);
      at = m.end();
    }
    if (at != v.length() || at == 0 || nanos <= 0 || nanos > Duration.ofHours(24).toNanos()) {
      throw new ConfigurationException(o.child(field), "must be a duration such as 120s, 1m30s or 500ms, "
          + "above zero and at most 24h");
    }
    return Duration.ofNanos(nanos);
  }

  /** A duration as {@code /gateway-config} shows it: whole seconds as {@code 120s}, else milliseconds. */
  public static String duration(Duration d) {
    if (d.getNano() % 1_000_000 != 0) {
      return java.math.BigDecimal.valueOf(d.toNanos(), 6).stripTrailingZeros().toPlainString() + "ms";
    }
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static void nullable(ObjectNode n, String field, @Nullable String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }
}
