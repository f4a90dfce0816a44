package dev.aigateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.Surface;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CORS on the {@code /v1} surfaces as {@link GatewayFront#route} decides it for every host. */
final class GatewayFrontCorsTest {
  private static final String APP = "https://app.example.com";
  private Gateway gateway = Gateway.builder().build();

  @AfterEach
  void close() {
    gateway.close();
  }

  private GatewayFront front(String... origins) {
    gateway.close();
    gateway = Gateway.builder().corsAllowedOrigins(origins).build();
    return GatewayFront.create(gateway);
  }

  /** Request headers by case-insensitive name. */
  private static GatewayFront.RequestHeaders headers(String... nameValues) {
    Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < nameValues.length; i += 2) {
      m.put(nameValues[i], nameValues[i + 1]);
    }
    return m::get;
  }

  private static GatewayFront.RequestHeaders preflight(String origin, String method, String requestHeaders) {
    return headers("Origin", origin, "Access-Control-Request-Method", method,
        "Access-Control-Request-Headers", requestHeaders);
  }

  private static long accessControlHeaders(HttpReply reply) {
    return reply.headers().stream()
        .filter(h -> h.getKey().toLowerCase(Locale.ROOT).startsWith("access-control-")).count();
  }

  @Test
  void preflightFromAnAllowedOrigin_is204_withTheOriginEchoedAndTheRequestedHeadersAllowed() {
    GatewayFront front = front(APP);
    GatewayFront.Route route = front.route("OPTIONS", "/v1/chat/completions", 300,
        preflight(APP, "POST", "authorization, content-type, X-Stainless-Retry-Count, x-stainless-os"));
    HttpReply reply = route.reply();
    assertThat(reply).isNotNull();
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.bodyLength()).isZero();
    assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(reply.header("Vary")).isEqualTo("Origin");
    assertThat(reply.header("Access-Control-Allow-Methods")).isEqualTo("POST");
    assertThat(reply.header("Access-Control-Allow-Headers"))
        .isEqualTo("authorization, content-type, x-stainless-retry-count, x-stainless-os");
    assertThat(reply.header("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(reply.header("Access-Control-Allow-Credentials")).as("headers authenticate, never cookies").isNull();
    assertThat(route.surface()).as("nothing to read or call").isNull();
  }

  @Test
  void preflightOfTheAnthropicSurfaceAndModels_allowTheirOwnMethods() {
    GatewayFront front = front(APP);
    HttpReply messages = front.route("OPTIONS", "/v1/messages", 0, preflight(APP, "POST",
        "x-api-key,anthropic-version,anthropic-dangerous-direct-browser-access,content-type")).reply();
    assertThat(messages.status()).isEqualTo(204);
    assertThat(messages.header("Access-Control-Allow-Headers"))
        .isEqualTo("x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access, content-type");
    HttpReply models = front.route("OPTIONS", "/v1/models", 0, preflight(APP, "GET", "authorization")).reply();
    assertThat(models.status()).isEqualTo(204);
    assertThat(models.header("Access-Control-Allow-Methods")).isEqualTo("GET, HEAD");
    assertThat(front.route("OPTIONS", "/v1/models", 0, preflight(APP, "POST", "")).reply().status())
        .as("models are only read").isEqualTo(403);
  }

  @Test
  void preflightFromAnotherOrigin_isAPlain403_withNoCorsHeaders() {
    GatewayFront front = front(APP);
    for (String origin : List.of("https://evil.example.com", "http://app.example.com", "https://app.example.com:8443",
        "null", "https://app.example.com.evil.example")) {
      HttpReply reply = front.route("OPTIONS", "/v1/chat/completions", 0, preflight(origin, "POST", "authorization"))
          .reply();
      assertThat(reply.status()).as(origin).isEqualTo(403);
      assertThat(accessControlHeaders(reply)).as(origin).isZero();
      assertThat(reply.header("AIG-Request-Id")).startsWith("rq_");
    }
  }

  @Test
  void preflightAskingForAnotherMethodOrAHeaderOutsideTheList_is403() {
    GatewayFront front = front(APP);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "PUT", "")).reply().status())
        .isEqualTo(403);
    HttpReply cookie = front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "POST", "authorization, x-forwarded-for"))
        .reply();
    assertThat(cookie.status()).isEqualTo(403);
    assertThat(accessControlHeaders(cookie)).isZero();
    assertThat(front.route("OPTIONS", "/v1/embeddings", 0, preflight(APP, "POST", "x-stainless-")).reply().status())
        .as("a bare prefix is no header").isEqualTo(403);
    assertThat(front.route("OPTIONS", "/v1/embeddings", 0, preflight(APP, "POST", "bad header")).reply().status())
        .isEqualTo(403);
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      many.append("x-stainless-h").append(i).append(',');
    }
    assertThat(front.route("OPTIONS", "/v1/embeddings", 0, preflight(APP, "POST", many.toString())).reply().status())
        .as("a bounded list").isEqualTo(403);
  }

  @Test
  void withCorsOff_aPreflightIsAnswered405AsBefore_andNothingCarriesCorsHeaders() {
    GatewayFront front = GatewayFront.create(gateway);
    GatewayFront.Route route = front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "POST", ""));
    assertThat(route.reply().status()).isEqualTo(405);
    assertThat(accessControlHeaders(route.reply())).isZero();
    GatewayFront.Route post = front.route("POST", "/v1/chat/completions", 0, headers("Origin", APP));
    assertThat(post.surface()).isEqualTo(Surface.CHAT_COMPLETIONS);
    assertThat(post.corsHeaders()).isEmpty();
  }

  @Test
  void actualRequestFromAnAllowedOrigin_getsAllowExposeAndVary_forTheHostToSetOnEveryAnswer() {
    GatewayFront front = front(APP).withHeaderPrefix("X-GW-");
    GatewayFront.Route route = front.route("POST", "/v1/chat/completions", 0, headers("Origin", APP));
    assertThat(route.surface()).isEqualTo(Surface.CHAT_COMPLETIONS);
    Map<String, String> cors = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    route.forEachCorsHeader(cors::put);
    assertThat(cors).containsEntry("Access-Control-Allow-Origin", APP).containsEntry("Vary", "Origin");
    assertThat(cors.get("Access-Control-Expose-Headers").split(", ")).contains("X-GW-Request-Id", "X-GW-Attempts",
        "X-GW-Model", "X-GW-Provider", "X-GW-Rejected-Models", "Retry-After", "retry-after-ms", "x-should-retry",
        "x-request-id", "request-id");
    assertThat(front.route("POST", "/v1/chat/completions", 0, headers("Origin", "https://other.example")).corsHeaders())
        .isEmpty();
    assertThat(front.route("POST", "/v1/chat/completions", 0, headers()).corsHeaders()).isEmpty();
  }

  @Test
  void answersMadeByRoute_carryTheCorsHeadersThemselves() {
    GatewayFront front = front(APP);
    HttpReply unauthorized = front.route("GET", "/v1/models", 0, headers("Origin", APP)).reply();
    assertThat(unauthorized.status()).isEqualTo(401);
    assertThat(unauthorized.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(unauthorized.header("Access-Control-Expose-Headers")).contains("AIG-Request-Id");
    HttpReply wrongMethod = front.route("GET", "/v1/chat/completions", 0, headers("Origin", APP)).reply();
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Access-Control-Allow-Origin")).isEqualTo(APP);
    HttpReply unknown = front.route("POST", "/v1/nope", 0, headers("Origin", APP)).reply();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Access-Control-Allow-Origin")).isEqualTo(APP);
  }

  @Test
  void anyOrigin_answersStar_withoutVaryOrCredentials() {
    GatewayFront front = front("*");
    HttpReply reply = front.route("OPTIONS", "/v1/responses", 0, preflight("https://anyone.example", "POST",
        "authorization")).reply();
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(reply.header("Access-Control-Allow-Credentials")).isNull();
    Map<String, String> cors = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    front.route("POST", "/v1/responses", 0, headers("Origin", "https://anyone.example")).forEachCorsHeader(cors::put);
    assertThat(cors).containsEntry("Access-Control-Allow-Origin", "*").doesNotContainKey("Vary");
  }

  @Test
  void changedAccountSettings_applyToTheNextRequest() {
    GatewayFront front = GatewayFront.create(gateway);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "POST", "")).reply().status())
        .isEqualTo(405);
    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of("HTTPS://App.Example.com:443")));
    assertThat(gateway.accountSettings().corsAllowedOrigins()).containsExactly(APP);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "POST", "")).reply().status())
        .isEqualTo(204);
    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of()));
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, preflight(APP, "POST", "")).reply().status())
        .isEqualTo(405);
  }

  @Test
  void anOptionsRequestThatIsNoPreflight_isAnswered405() {
    GatewayFront front = front(APP);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, headers("Origin", APP)).reply().status())
        .isEqualTo(405);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", 0, headers()).reply().status()).isEqualTo(405);
  }

  @Test
  void preflightWithHugeHeaders_is431() {
    GatewayFront front = front(APP);
    assertThat(front.route("OPTIONS", "/v1/chat/completions", GatewayFront.MAX_HEADER_BYTES + 1,
        preflight(APP, "POST", "")).reply().status()).isEqualTo(431);
  }

  /** Regression: a case-insensitive match let an origin with a dotless i (which upper-cases to I) match. */
  @Test
  void anOriginMatchesOnlyExactly_notByUnicodeCaseFolding() {
    List<String> allowed = List.of("https://admin.example.com");
    assertThat(Cors.allowOrigin(allowed, "https://admin.example.com")).isEqualTo("https://admin.example.com");
    assertThat(Cors.allowOrigin(allowed, "https://adm\u0131n.example.com")).isNull();
    assertThat(Cors.allowOrigin(allowed, "https://ADMIN.example.com")).isNull();
  }
}
