package dev.aigateway.http;

import dev.aigateway.internal.cors.CorsOrigins;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The CORS rules of the {@code /v1} surfaces, for {@link GatewayFront}: whether an {@code Origin} is allowed,
 * the headers of a preflight answer and of an actual response. The gateway authenticates with headers, never
 * cookies, so {@code Access-Control-Allow-Credentials} is never sent. Stateless and thread-safe.
 */
final class Cors {
  /** How long a browser may keep a preflight answer, in seconds. */
  static final int MAX_AGE_SECONDS = 600;
  /** Most names in one {@code Access-Control-Request-Headers}. */
  static final int MAX_REQUEST_HEADERS = 32;
  /** Longest {@code Access-Control-Request-Headers} value accepted. */
  static final int MAX_REQUEST_HEADERS_CHARS = 2048;
  /** Longest {@code Origin} compared. */
  private static final int MAX_ORIGIN_CHARS = CorsOrigins.MAX_LENGTH;
  /**
   * The request headers a browser client may send (lower case): credentials, content type, the providers'
   * version and beta headers, the headers the OpenAI and Anthropic SDKs add in a browser, and every
   * {@code x-stainless-*} header of those SDKs.
   */
  static final Set<String> ALLOWED_REQUEST_HEADERS = Set.of("authorization", "x-api-key", "content-type", "accept",
      "accept-language", "content-language", "user-agent", "anthropic-version", "anthropic-beta",
      "anthropic-dangerous-direct-browser-access", "openai-organization", "openai-project", "openai-beta",
      "idempotency-key", "x-request-id");
  static final String STAINLESS_PREFIX = "x-stainless-";

  private Cors() {}

  /**
   * The value of {@code Access-Control-Allow-Origin} for {@code origin} ({@code *} or the matching entry), or
   * null when it is not allowed (or CORS is off: {@code allowed} empty).
   */
  static @Nullable String allowOrigin(List<String> allowed, @Nullable String origin) {
    if (origin == null || allowed.isEmpty() || origin.length() > MAX_ORIGIN_CHARS) {
      return null;
    }
    for (int i = 0; i < allowed.size(); i++) {
      String a = allowed.get(i);
      if (a.equals(CorsOrigins.ANY)) {
        return CorsOrigins.ANY;
      }
      if (a.equals(origin)) { // entries are lower-cased ASCII, as browsers serialize an origin
        return a;
      }
    }
    return null;
  }

  /** The headers of an actual response to an allowed origin: allow, vary, expose. */
  static List<Map.Entry<String, String>> responseHeaders(String allowOrigin, String prefix) {
    List<Map.Entry<String, String>> h = new ArrayList<>(3);
    h.add(entry("Access-Control-Allow-Origin", allowOrigin));
    if (!allowOrigin.equals(CorsOrigins.ANY)) {
      h.add(entry("Vary", "Origin"));
    }
    h.add(entry("Access-Control-Expose-Headers", exposed(prefix)));
    return h;
  }

  /**
   * The headers a browser client may read: the report headers with {@code prefix}, {@code Retry-After} and
   * {@code retry-after-ms}, {@code x-should-retry}, and the providers' request ids.
   */
  static String exposed(String prefix) {
    return prefix + "Request-Id, " + prefix + "Attempts, " + prefix + "Model, " + prefix + "Provider, " + prefix
        + "Rejected-Models, Retry-After, retry-after-ms, x-should-retry, x-request-id, request-id";
  }

  /**
   * The normalized {@code Access-Control-Allow-Headers} for a preflight's requested headers (lower case, in
   * order, duplicates dropped; empty when none were requested), or null when one is not allowed or the list is
   * malformed or too long.
   */
  static @Nullable String allowHeaders(@Nullable String requested) {
    if (requested == null || requested.isBlank()) {
      return "";
    }
    if (requested.length() > MAX_REQUEST_HEADERS_CHARS) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (String part : requested.split(",", -1)) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!isToken(name) || !(ALLOWED_REQUEST_HEADERS.contains(name)
          || (name.startsWith(STAINLESS_PREFIX) && name.length() > STAINLESS_PREFIX.length()))) {
        return null;
      }
      if (!names.contains(name)) {
        if (names.size() == MAX_REQUEST_HEADERS) {
          return null;
        }
        names.add(name);
      }
    }
    return String.join(", ", names);
  }

  private static boolean isToken(String name) {
    if (name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  static Map.Entry<String, String> entry(String name, String value) {
    return new AbstractMap.SimpleImmutableEntry<>(name, value);
  }
}
