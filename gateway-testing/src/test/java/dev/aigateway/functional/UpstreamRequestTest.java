package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.ResponseHeaderPolicy;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches the provider: URL, headers (credential hygiene) and the body, byte for byte. */
final class UpstreamRequestTest {
  private FakeUpstream upstream;
  private Gateway gateway;
  private String token;

  @BeforeEach
  void setUp() {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .credentialResolver(CredentialResolver.storeValues().withManaged("anthropic", SecretValue.of("sk-ant-managed-1")))
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-openai-secret-1").build());
    upstream.otherwise().always(FakeUpstream.json(200, "{}"));
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
  }

  private UpstreamRequest send(GatewayRequest.Builder b) {
    try (GatewayResponse r = gateway.handle(b.build())) {
      assertThat(r.status()).isEqualTo(200);
    }
    List<UpstreamRequest> all = upstream.requests();
    return all.get(all.size() - 1);
  }

  private GatewayRequest.Builder chat(String body) {
    return GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS).header("Authorization", "Bearer " + token)
        .body(body);
  }

  @Test
  void urlIsTheBaseUrlPlusTheSurfacePath_withTheQueryKept() {
    UpstreamRequest r = send(chat("{\"model\":\"gpt-4o\"}").query("api-version=2024-10-01&x=1"));
    assertThat(r.url()).isEqualTo("https://api.openai.com/v1/chat/completions?api-version=2024-10-01&x=1");
    UpstreamRequest m = send(GatewayRequest.builder().surface(Surface.MESSAGES).header("x-api-key", token)
        .body("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":5}"));
    assertThat(m.url()).isEqualTo("https://api.anthropic.com/v1/messages");
  }

  @Test
  void clientCredentialsAndHopByHopHeaders_neverGoUpstream_andExactlyOneCredentialIsSet() {
    UpstreamRequest r = send(chat("{\"model\":\"gpt-4o\"}")
        .header("x-api-key", token)
        .header("Connection", "keep-alive, X-Private-Hop")
        .header("X-Private-Hop", "1")
        .header("Keep-Alive", "timeout=5")
        .header("Transfer-Encoding", "chunked")
        .header("Proxy-Authorization", "Basic abc")
        .header("Upgrade", "h2c")
        .header("TE", "trailers")
        .header("Cookie", "session=1")
        .header("Host", "gateway.local")
        .header("Content-Length", "20")
        .header("OpenAI-Organization", "org-1")
        .header("X-Trace", "abc"));
    StringBuilder all = new StringBuilder();
    r.headers().forEach((name, value) -> all.append(value).append('\n'));
    assertThat(all.toString()).doesNotContain(token);
    assertThat(r.headers().names()).containsExactlyInAnyOrder(
        "openai-organization", "x-trace", "content-type", "authorization");
    assertThat(r.headers().values("authorization").size()).isEqualTo(1);
    assertThat(r.header("Authorization")).isEqualTo("Bearer sk-openai-secret-1");
  }

  @Test
  void anthropicCredential_isXApiKey_withAVersionWhenAbsent() {
    UpstreamRequest r = send(GatewayRequest.builder().surface(Surface.MESSAGES).header("x-api-key", token)
        .body("{\"model\":\"claude-sonnet-4-6\"}"));
    assertThat(r.header("x-api-key")).isEqualTo("sk-ant-managed-1");
    assertThat(r.header("Authorization")).isNull();
    assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
    UpstreamRequest pinned = send(GatewayRequest.builder().surface(Surface.MESSAGES).header("x-api-key", token)
        .header("anthropic-version", "2024-01-01").header("anthropic-beta", "tools-1")
        .body("{\"model\":\"claude-sonnet-4-6\"}"));
    assertThat(pinned.header("anthropic-version")).isEqualTo("2024-01-01");
    assertThat(pinned.header("anthropic-beta")).isEqualTo("tools-1");
    assertThat(pinned.headers().values("x-api-key").size()).isEqualTo(1);
  }

  @Test
  void aClientCannotOverrideACustomProvidersCredentialHeader() {
    gateway.admin().providers().create(CustomProvider.builder().providerId("azure").baseUrl("https://x.example.com/openai")
        .supportedApiSurfaces(List.of(SurfaceSupport.of(Surface.CHAT_COMPLETIONS))).authHeader("api-key"));
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("azure").name("k")
        .value("azure-secret-1").build());
    UpstreamRequest r = send(chat("{\"model\":\"azure:gpt-4o\"}").header("api-key", "client-chosen"));
    assertThat(r.headers().values("api-key").size()).isEqualTo(1);
    assertThat(r.header("api-key")).isEqualTo("azure-secret-1");
    assertThat(r.url()).isEqualTo("https://x.example.com/openai/chat/completions");
  }

  @Test
  void controlCharactersInAForwardedHeader_are400_withNoUpstreamCall() {
    for (String bad : new String[] {"a\r\nX-Injected: 1", "a\nb", "a\u0000b"}) {
      GatewayException e = dev.aigateway.functional.Fixture.catchGateway(() -> gateway.handle(chat("{\"model\":\"gpt-4o\"}")
          .header("X-Trace", bad).build()));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST_BODY);
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).doesNotContain("X-Injected");
    }
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void bodyIsByteIdentical_whenTheModelNeedsNoRewrite() {
    String body = "{ \"model\" : \"gpt-4o\",\n  \"messages\": [ {\"role\":\"user\", \"content\":\"h\\u00e9\"} ],"
        + " \"temperature\": 0.70 }";
    UpstreamRequest r = send(chat(body));
    assertThat(new String(r.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  void prefixedModel_isRewritten_andModelsRemoved_everythingElseUntouched() throws Exception {
    String body = "{\"temperature\": 0.70, \"models\": [\"claude-sonnet-4-6\"], \"model\":\"openai:GPT-4o\","
        + "  \"messages\":[{\"content\":\"x\"}] }";
    UpstreamRequest r = send(chat(body));
    String sent = new String(r.bodyBytes(), StandardCharsets.UTF_8);
    assertThat(sent).isEqualTo("{\"temperature\": 0.70, \"model\":\"gpt-4o\",  \"messages\":[{\"content\":\"x\"}] }");
  }

  @Test
  void rewriting_isCorrectForEveryLayoutOfModelAndModels() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String[] bodies = {
        "{\"models\":[\"gpt-4o\"]}",
        "{\"models\":[\"gpt-4o\"],\"n\":1}",
        "{\"n\":1,\"models\":[\"gpt-4o\"]}",
        "{\"model\":\"openai/gpt-4o\",\"models\":[]}",
        "{\"models\":[],\"model\":\"openai/gpt-4o\"}",
        "{\"a\":{\"model\":\"nested\"},\"model\":\"openai/gpt-4o\",\"b\":[1,{\"models\":2}],\"models\":null,\"c\":3}",
        "{\"model\":null,\"models\":[\"openai:gpt-4o\"]}",
        "{ \"models\" : [ \"gpt-4o\" ] , \"stream\" : false }",
    };
    for (String body : bodies) {
      UpstreamRequest r = send(chat(body));
      JsonNode sent = mapper.readTree(r.bodyBytes());
      ObjectNode expected = (ObjectNode) mapper.readTree(body);
      expected.remove("models");
      expected.put("model", "gpt-4o");
      assertThat(sent).as(body).isEqualTo(expected);
    }
  }

  @Test
  void modelNamesWithQuotesAndBackslashes_areEncodedSafely() throws Exception {
    UpstreamRequest r = send(chat("{\"model\":\"openai:we\\\"ird\\\\model\"}"));
    JsonNode sent = new ObjectMapper().readTree(r.bodyBytes());
    assertThat(sent.get("model").asText()).isEqualTo("we\"ird\\model");
  }

  @Test
  void aCustomProvidersSupportedParams_stripEveryOtherTopLevelParameter_keepingTheRestByteForByte() {
    gateway.admin().providers().create(CustomProvider.builder().providerId("strict").baseUrl("https://strict.example.com/v1")
        .supportedApiSurfaces(List.of(new SurfaceSupport(Surface.Format.OPENAI, Surface.CHAT_COMPLETIONS,
            List.of("messages", "temperature"))))
        .models(List.of("small-model")));
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("strict").name("k")
        .value("strict-secret-1").build());
    String body = "{\"model\":\"strict:small-model\", \"logit_bias\":{\"1\":2}, \"messages\" : [ {\"content\":\"h\u00e9\"} ],"
        + "\"temperature\":0.70,\"parallel_tool_calls\":true,\"stream\":false,\"models\":[\"gpt-4o\"]}";
    UpstreamRequest r = send(chat(body));
    assertThat(new String(r.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"model\":\"small-model\",\"messages\" : [ {\"content\":\"h\u00e9\"} ],\"temperature\":0.70,\"stream\":false}");
    // other providers get every parameter
    UpstreamRequest open = send(chat("{\"model\":\"gpt-4o\",\"logit_bias\":{}}"));
    assertThat(new String(open.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"gpt-4o\",\"logit_bias\":{}}");
  }

  /**
   * Regression: the request kept the caller's array, and execute() re-scanned it, so changing it between
   * plan() and execute() sent a model the scope never checked.
   */
  @Test
  void changingTheCallersArray_betweenPlanAndExecute_changesNothingUpstream() {
    String scoped = gateway.admin().configurations().create(dev.aigateway.config.ConfigurationJson.parse(
        "{\"name\":\"mini only\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o-mini\"]}}}")).id();
    String limited = gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(scoped).build())
        .token();
    byte[] callers = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    GatewayRequest request = GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + limited).body(callers).build();
    dev.aigateway.routing.RoutePlan plan = gateway.plan(request);
    byte[] swapped = "{\"model\":\"gpt-4o-2024\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(swapped, 0, callers, 0, callers.length); // same length: a model outside the scope
    request.body()[10] = 'X'; // the accessor hands out a copy, too
    try (GatewayResponse r = gateway.execute(plan)) {
      assertThat(r.status()).isEqualTo(200);
    }
    UpstreamRequest sent = upstream.requests().get(upstream.requests().size() - 1);
    assertThat(new String(sent.bodyBytes(), StandardCharsets.UTF_8)).contains("\"model\":\"gpt-4o-mini\"")
        .doesNotContain("gpt-4o-2024");
  }

  /**
   * Regression: a header the provider named in Connection, and the provider-account identifiers
   * (openai-organization, openai-project), reached the client.
   */
  @Test
  void providerResponseHeaders_dropHopByHopAndAccountFields_andThePolicyIsTheHosts() {
    upstream.otherwise().always(FakeUpstream.json(200, "{}").header("Connection", "close, X-Upstream-Hop")
        .header("X-Upstream-Hop", "internal").header("openai-organization", "org-host-account")
        .header("OpenAI-Project", "proj_host").header("x-request-id", "req-1")
        .header("x-ratelimit-remaining-requests", "99"));
    try (GatewayResponse r = gateway.handle(chat("{\"model\":\"gpt-4o\"}").build())) {
      assertThat(r.headers().names()).contains("x-request-id", "x-ratelimit-remaining-requests", "content-type")
          .doesNotContain("connection", "x-upstream-hop", "openai-organization", "openai-project");
    }
    try (Gateway keeping = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream)
        .responseHeaders(ResponseHeaderPolicy.defaults().keep("openai-project")).build()) {
      keeping.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-openai-secret-1").build());
      String t = keeping.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
      try (GatewayResponse r = keeping.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, t, "{\"model\":\"gpt-4o\"}"))) {
        assertThat(r.header("openai-project")).isEqualTo("proj_host");
        assertThat(r.header("openai-organization")).isNull();
        assertThat(r.header("x-upstream-hop")).as("named in Connection: never, whatever the policy").isNull();
      }
    }
    assertThat(ResponseHeaderPolicy.only("x-request-id").passes("X-Request-Id")).isTrue();
    assertThat(ResponseHeaderPolicy.only("x-request-id").passes("openai-processing-ms")).isFalse();
  }
}
