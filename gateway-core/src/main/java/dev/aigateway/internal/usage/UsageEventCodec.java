package dev.aigateway.internal.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.internal.json.Json;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** One usage event as one JSON line on disk, with the reference's field names. */
public final class UsageEventCodec {
  private UsageEventCodec() {}

  /**
   * The event as one line of JSON, without the line end. Written field by field with a streaming generator:
   * building a tree first cost more than the rest of the background flush together.
   */
  public static String write(UsageEvent e) {
    java.io.StringWriter out = new java.io.StringWriter(384);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("timestamp", e.timestamp().toString());
      g.writeStringField("requestId", e.requestId());
      g.writeStringField("accessKeyId", e.accessKeyId());
      g.writeNumberField("attemptNumber", e.attemptNumber());
      g.writeBooleanField("isFinalAttempt", e.isFinalAttempt());
      g.writeNumberField("statusCode", e.statusCode());
      g.writeBooleanField("timedOut", e.timedOut());
      g.writeBooleanField("isStreaming", e.isStreaming());
      if (e.stopReason() != null) {
        g.writeStringField("stopReason", e.stopReason());
      }
      g.writeNumberField("inputTokens", e.inputTokens());
      g.writeNumberField("outputTokens", e.outputTokens());
      g.writeNumberField("cacheReadTokens", e.cacheReadTokens());
      g.writeNumberField("reasoningTokens", e.reasoningTokens());
      g.writeNumberField("costMicroCents", e.costMicroCents());
      g.writeStringField("keySource", e.keySource().json());
      if (e.providerKeyId() != null) {
        g.writeStringField("providerKeyId", e.providerKeyId());
      }
      g.writeStringField("provider", e.provider());
      g.writeStringField("model", e.model());
      g.writeEndObject();
    } catch (java.io.IOException ex) {
      throw new IllegalStateException("could not write a usage event", ex);
    }
    return out.toString();
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
