package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.http.GatewayFront;
import dev.aigateway.http.HttpReply;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP surface without a server: what every host gets from {@link GatewayFront}. */
final class GatewayFrontTest {
  private Fixture f;
  private FakeUpstream upstream;
  private GatewayFront front;
  private String token;

  @BeforeEach
  void setUp() {
    KeyStore store = KeyStore.inMemory();
    upstream = FakeUpstream.create(dev.aigateway.testing.FakeClock.create());
    f = new Fixture(Gateway.builder().keyStore(store).credentialResolver(CredentialResolver.storeValues())
        .maxRequestBytes(1000).upstream(upstream), store);
    f.providerKey("openai", "a");
    token = f.accessKey(null);
    front = GatewayFront.create(f.gateway);
  }

  private static String body(HttpReply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  @Test
  void route_answersModelsAndRefusals_atOnce_andAsksForTheBodyOfAPost() {
    HttpReply models = front.route("GET", "/v1/models", 100, "Bearer " + token, null).reply();
    assertThat(models).isNotNull();
    assertThat(models.status()).isEqualTo(200);
    assertThat(body(models)).startsWith("{\"object\":\"list\",\"data\":[");
    assertThat(models.header("AIG-Request-Id")).startsWith("rq_");
    HttpReply head = front.route("HEAD", "/v1/models", 100, null, token).reply();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.bodyLength()).isZero();
    assertThat(front.route("GET", "/v1/models", 100, null, null).reply().status()).isEqualTo(401);
    assertThat(front.route("POST", "/v1/models", 100, null, null).reply().status()).isEqualTo(405);

    HttpReply unknown = front.route("POST", "/v1/nothing", 100, null, null).reply();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(body(unknown)).contains("\"code\":\"unsupported_surface\"");
    HttpReply anthropic = front.route("GET", "/v1/messages", 100, null, null).reply();
    assertThat(anthropic.status()).isEqualTo(405);
    assertThat(body(anthropic)).startsWith("{\"type\":\"error\"");
    HttpReply big = front.route("POST", "/v1/chat/completions", GatewayFront.MAX_HEADER_BYTES + 1, null, null).reply();
    assertThat(big.status()).isEqualTo(431);
    assertThat(body(big)).contains("request_too_large");

    GatewayFront.Route post = front.route("POST", "/v1/chat/completions/", 100, null, null);
    assertThat(post.reply()).isNull();
    assertThat(post.surface()).isEqualTo(Surface.CHAT_COMPLETIONS);
    assertThat(GatewayFront.isGatewayPath("/v1")).isTrue();
    assertThat(GatewayFront.isGatewayPath("/v1x")).isFalse();
    assertThat(GatewayFront.isGatewayPath(null)).isFalse();
  }

  @Test
  void bodyTooLarge_overloaded_andInternalError_areAnswersInTheSurfacesFormat() {
    HttpReply tooLarge = front.bodyTooLarge(Surface.Format.ANTHROPIC);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(body(tooLarge)).startsWith("{\"type\":\"error\"").contains("larger than 1000 bytes");
    HttpReply overloaded = front.overloaded(Surface.Format.OPENAI, Duration.ofMillis(1500));
    assertThat(overloaded.status()).isEqualTo(503);
    assertThat(overloaded.header("Retry-After")).isEqualTo("2");
    assertThat(overloaded.header("x-should-retry")).as("a client should retry this one").isNull();
    assertThat(front.internalError(Surface.Format.OPENAI).status()).isEqualTo(500);
  }

  @Test
  void call_servesOrAnswersTheError_andResponseHeadersKeepTheReportTheHostsOwn() throws Exception {
    upstream.forKey("sk-openai-a").respond(FakeUpstream.sse(200, "data: 1\n\n").header("Date", "yesterday")
        .header("AIG-Model", "forged").header("x-request-id", "up-1"));
    GatewayFront.Outcome served = front.call(Surface.CHAT_COMPLETIONS,
        "{\"model\":\"gpt-4o\",\"stream\":true}".getBytes(StandardCharsets.UTF_8), null,
        Map.of("Authorization", List.of("Bearer " + token)));
    assertThat(served.reply()).isNull();
    try (GatewayResponse r = served.response()) {
      List<String> headers = new ArrayList<>();
      front.responseHeaders(r, (n, v) -> headers.add(n + ": " + v));
      assertThat(headers).contains("x-request-id: up-1", "AIG-Model: gpt-4o", "AIG-Attempts: 1",
          "Cache-Control: no-cache").doesNotContain("Date: yesterday", "AIG-Model: forged");
      assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: 1\n\n");
    }
    GatewayFront.Outcome refused = front.call(Surface.CHAT_COMPLETIONS, "{}".getBytes(StandardCharsets.UTF_8), null,
        Map.of("Authorization", List.of("Bearer ng-nope")));
    assertThat(refused.response()).isNull();
    assertThat(refused.reply().status()).isEqualTo(401);
    assertThat(body(refused.reply())).contains("invalid_access_key").doesNotContain("ng-nope");
  }

  @Test
  void headerPrefix_isChecked_andUsed() {
    assertThatThrownBy(() -> front.withHeaderPrefix("bad prefix"))
        .hasMessage("headerPrefix must be letters, digits and '-' but was 'bad prefix'");
    HttpReply r = front.withHeaderPrefix("X-Gw-").route("GET", "/v1/models", 0, null, token).reply();
    assertThat(r.header("X-Gw-Request-Id")).startsWith("rq_");
    assertThat(r.header("AIG-Request-Id")).isNull();
  }
}
