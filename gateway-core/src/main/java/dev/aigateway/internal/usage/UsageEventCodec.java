package dev.aigateway.internal.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.internal.json.Json;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One usage event as one JSON line on disk, with the reference's field names. */
public final class UsageEventCodec {
  private UsageEventCodec() {}

  /** The event as one line of JSON, without the line end. */
  public static String write(UsageEvent e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("timestamp", e.timestamp().toString());
    n.put("requestId", e.requestId());
    n.put("accessKeyId", e.accessKeyId());
    n.put("attemptNumber", e.attemptNumber());
    n.put("isFinalAttempt", e.isFinalAttempt());
    n.put("statusCode", e.statusCode());
    n.put("timedOut", e.timedOut());
    n.put("isStreaming", e.isStreaming());
    if (e.stopReason() != null) {
      n.put("stopReason", e.stopReason());
    }
    n.put("inputTokens", e.inputTokens());
    n.put("outputTokens", e.outputTokens());
    n.put("cacheReadTokens", e.cacheReadTokens());
    n.put("reasoningTokens", e.reasoningTokens());
    n.put("costMicroCents", e.costMicroCents());
    n.put("keySource", e.keySource().json());
    if (e.providerKeyId() != null) {
      n.put("providerKeyId", e.providerKeyId());
    }
    n.put("provider", e.provider());
    n.put("model", e.model());
    try {
      return Json.MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("could not write a usage event", ex);
    }
  }

  /**
   * Reads a line made by {@link #write}.
   *
   * @throws IllegalArgumentException when it is not one (a torn or damaged line)
   */
  public static UsageEvent read(String line) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a usage event line", e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a usage event line");
    }
    try {
      return new UsageEvent(Instant.parse(text(n, "timestamp")), text(n, "requestId"), text(n, "accessKeyId"),
          n.path("attemptNumber").asInt(), n.path("isFinalAttempt").asBoolean(), n.path("statusCode").asInt(),
          n.path("timedOut").asBoolean(), n.path("isStreaming").asBoolean(), optional(n, "stopReason"),
          n.path("inputTokens").asLong(), n.path("outputTokens").asLong(), n.path("cacheReadTokens").asLong(),
          n.path("reasoningTokens").asLong(), n.path("costMicroCents").asLong(),
          "managed".equals(text(n, "keySource")) ? KeySource.MANAGED : KeySource.USER, optional(n, "providerKeyId"),
          text(n, "provider"), text(n, "model"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a usage event line", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v.asText();
  }

  private static @Nullable String optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? null : v.asText();
  }
}
