package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.internal.json.Json;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** A management API answer: the status and the JSON body ({@code null} for 204, which has none). Immutable. */
public final class AdminResponse {
  private final int status;
  private final @Nullable String json;

  private AdminResponse(int status, @Nullable String json) {
    this.status = status;
    this.json = json;
  }

  static AdminResponse ok(JsonNode body) {
    return of(200, body);
  }

  static AdminResponse created(JsonNode body) {
    return of(201, body);
  }

  static AdminResponse noContent() {
    return new AdminResponse(204, null);
  }

  static AdminResponse of(int status, JsonNode body) {
    try {
      return new AdminResponse(status, Json.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int status() {
    return status;
  }

  /** The body, {@code application/json}; null when there is none (204). */
  public @Nullable String json() {
    return json;
  }

  @Override
  public String toString() {
    return "AdminResponse[" + status + "]";
  }
}
