package dev.aigateway.internal.attempt;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.Headers;
import dev.aigateway.ResponseHeaderPolicy;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which headers cross the gateway: the client's headers that may go upstream, and the provider's
 * headers that may go back. Credentials, hop-by-hop fields (and those a {@code Connection} header
 * names) and framing never cross; CR, LF or NUL in a client value is refused before any upstream call.
 */
final class ForwardedHeaders {
  /** Client headers never forwarded: credentials, hop-by-hop, framing, and what the transport sets. */
  static final Set<String> DROPPED_REQUEST = Set.of("authorization", "x-api-key", "host", "content-length",
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "accept-encoding", "expect", "cookie", "http2-settings");
  /** Provider response headers not passed back: hop-by-hop and framing (the server sets its own). */
  static final Set<String> DROPPED_RESPONSE = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "content-encoding",
      "set-cookie");

  private ForwardedHeaders() {}

  /** The client's headers that may go upstream; throws {@code invalid_request_body} for a malformed one. */
  static Headers fromClient(Headers client) {
    Headers.Builder out = Headers.builder();
    String connection = client.get("connection");
    for (int i = 0; i < client.size(); i++) {
      String name = client.name(i);
      String value = client.value(i);
      check(name, value);
      if (!DROPPED_REQUEST.contains(name.toLowerCase(Locale.ROOT)) && !listedIn(connection, name)) {
        out.add(name, value);
      }
    }
    return out.build();
  }

  /**
   * The provider's headers that may go back to the client: never hop-by-hop or framing fields, nor those
   * its {@code Connection} header names; of the rest, what {@code policy} passes.
   */
  static Headers fromProvider(Headers provider, ResponseHeaderPolicy policy) {
    Headers.Builder out = Headers.builder();
    String connection = provider.get("connection");
    for (int i = 0; i < provider.size(); i++) {
      String name = provider.name(i);
      if (!DROPPED_RESPONSE.contains(name.toLowerCase(Locale.ROOT)) && !listedIn(connection, name)
          && policy.passes(name)) {
        out.add(name, provider.value(i));
      }
    }
    return out.build();
  }

  static void check(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0) {
        throw new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request: header " + safeName(name)
            + " contains a control character.");
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch <= 0x20 || ch >= 0x7f || ch == ':') {
        throw new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request: a header name is malformed.");
      }
    }
  }

  private static String safeName(String name) {
    return name.replaceAll("[^A-Za-z0-9-]", "?");
  }

  private static boolean listedIn(@Nullable String connection, String name) {
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",", -1)) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
