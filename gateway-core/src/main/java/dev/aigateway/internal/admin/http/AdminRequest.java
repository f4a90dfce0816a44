package dev.aigateway.internal.admin.http;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One authorized management request as the routes see it: the method, the decoded path segments
 * ({@code /provider-keys/pk_1/rotate} is {@code [provider-keys, pk_1, rotate]}), the decoded query
 * parameters and the body, with the checks every route makes (method, depth, page limit).
 */
final class AdminRequest {
  /** The detail of a {@link GatewayException} that overrides its status in the response (405). */
  static final String STATUS_DETAIL = "status";

  private final String method;
  private final List<String> segments;
  private final Map<String, String> query;
  private final byte[] body;

  AdminRequest(String method, List<String> segments, Map<String, String> query, byte[] body) {
    this.method = Objects.requireNonNull(method, "method");
    this.segments = List.copyOf(segments);
    this.query = Map.copyOf(query);
    this.body = Objects.requireNonNull(body, "body");
  }

  String method() {
    return method;
  }

  List<String> segments() {
    return segments;
  }

  Map<String, String> query() {
    return query;
  }

  /** The second segment: the resource's id; null for the collection. */
  @Nullable String id() {
    return segments.size() > 1 ? segments.get(1) : null;
  }

  @Nullable String beforeId() {
    return query.get("beforeId");
  }

  /** The {@code limit} parameter, 100 when absent; its range is the service's to check. */
  int limit() {
    String v = query.get("limit");
    if (v == null) {
      return 100;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException("limit", "must be a number from 1 to 100");
    }
  }

  boolean isRead() {
    return method.equals("GET") || method.equals("HEAD");
  }

  void requireMethod(String expected) {
    if (!method.equals(expected)) {
      throw methodNotAllowed();
    }
  }

  void requireDepth(int depth) {
    if (segments.size() != depth) {
      throw noSuchEndpoint();
    }
  }

  /**
   * For a read-only endpoint {@code /<first>/<second>[/...]} of {@code depth} segments: 404 for any other
   * path, 405 for any method but GET and HEAD.
   */
  void requireRead(String second, int depth) {
    if (segments.size() != depth || !segments.get(1).equals(second)) {
      throw noSuchEndpoint();
    }
    if (!isRead()) {
      throw methodNotAllowed();
    }
  }

  /** 405 in the admin error shape (code {@code not_found}). */
  GatewayException methodNotAllowed() {
    return new GatewayException(ErrorCode.NOT_FOUND, "Method " + method.replaceAll("[^A-Z]", "?")
        + " is not supported here.", Map.of(STATUS_DETAIL, "405"), null);
  }

  static GatewayException noSuchEndpoint() {
    return new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint.");
  }

  /** The body as text, for the readers that take a string; invalid UTF-8 is refused, never replaced. */
  String text() {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigurationException("", "the body is not valid UTF-8");
    }
  }

  /** The body as a JSON object at the root path. */
  Json.Obj obj() {
    return new Json.Obj(Json.parseObject(body), "");
  }
}
