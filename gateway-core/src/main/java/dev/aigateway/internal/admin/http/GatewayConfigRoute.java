package dev.aigateway.internal.admin.http;

import dev.aigateway.Gateway;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.cors.CorsOrigins;
import dev.aigateway.internal.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET|PATCH /gateway-config}: the request limits, durations Go-style ({@code 120s}, {@code 1m30s},
 * {@code 500ms}), and the account settings ({@code creditsEnforced}, {@code processingFeeCentsPerMillionTokens},
 * {@code maxInputTokens}, {@code maxOutputTokens}, {@code metadata}, {@code accountId}, {@code corsAllowedOrigins}).
 * In PATCH an omitted
 * field is unchanged and {@code null} restores its default (or clears it). The whole PATCH is checked before
 * anything changes; the settings are saved before they take effect.
 */
final class GatewayConfigRoute implements AdminRoute {
  private static final Set<String> FIELDS = Set.of("totalTimeout", "perRequestTimeout", "maxAttempts",
      "maxRequestBytes", "maxRetryWait", "maxInputTokens", "maxOutputTokens", "metadata", "accountId",
      "creditsEnforced", "processingFeeCentsPerMillionTokens", "corsAllowedOrigins");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private final Gateway gateway;
  private final AdminCodec codec;
  private final @Nullable Consumer<Gateway.Limits> limitsSaver;
  private final @Nullable Consumer<Gateway.AccountSettings> settingsSaver;

  GatewayConfigRoute(Gateway gateway, AdminCodec codec, @Nullable Consumer<Gateway.Limits> limitsSaver,
      @Nullable Consumer<Gateway.AccountSettings> settingsSaver) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.limitsSaver = limitsSaver;
    this.settingsSaver = settingsSaver;
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    request.requireDepth(1);
    if (request.method().equals("PATCH")) {
      update(request.obj());
    } else if (!request.isRead()) {
      throw request.methodNotAllowed();
    }
    return AdminResponse.ok(codec.gatewayConfig(gateway.limits(), gateway.accountSettings()));
  }

  private synchronized void update(Json.Obj o) {
    o.allowOnly(FIELDS);
    Gateway.AccountSettings settings = settings(o, gateway.accountSettings());
    Gateway.Limits l = gateway.limits();
    Duration total = o.has("totalTimeout") ? duration(o, "totalTimeout", Duration.ofMinutes(2)) : l.totalTimeout();
    Duration attempt = o.has("perRequestTimeout") ? duration(o, "perRequestTimeout", Duration.ofSeconds(60))
        : l.perAttemptTimeout();
    Duration wait = o.has("maxRetryWait") ? duration(o, "maxRetryWait", Duration.ofSeconds(2)) : l.maxRetryWait();
    Integer attempts = o.optInt("maxAttempts", 1, 100);
    Integer bytes = o.optInt("maxRequestBytes", 1, Integer.MAX_VALUE - 8);
    if (attempt.compareTo(total) > 0) {
      throw new ConfigurationException("perRequestTimeout",
          "must not exceed totalTimeout (" + AdminCodec.duration(total) + ")");
    }
    Gateway.Limits updated = new Gateway.Limits(
        o.has("maxRequestBytes") ? (bytes == null ? 20L << 20 : bytes) : l.maxRequestBytes(), total, attempt,
        o.has("maxAttempts") ? (attempts == null ? 10 : attempts) : l.maxAttempts(), wait);
    if (!settings.equals(gateway.accountSettings())) {
      if (settingsSaver != null) {
        settingsSaver.accept(settings);
      }
      gateway.updateAccountSettings(settings);
    }
    gateway.updateLimits(updated);
    if (limitsSaver != null) {
      limitsSaver.accept(updated);
    }
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
}
