package dev.aigateway.httpserver;

import dev.aigateway.config.ConfigurationJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP surface on loopback: formats, headers, limits, streams, wrapping. */
final class GatewayHttpHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private FakeUpstream upstream;
  private Gateway gateway;
  private HttpServer server;
  private ExecutorService pool;
  private String base;
  private String token;

  @BeforeEach
  void setUp() throws IOException {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).maxRequestBytes(4096)
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value("sk-oa-a-00000").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("b").value("sk-oa-b-00000").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("anthropic").name("c").value("sk-an-c-00000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("http").build()).token();
    pool = GatewayHttpHandler.newExecutor(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, exchange -> {
      byte[] hello = "host app".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, hello.length);
      exchange.getResponseBody().write(hello);
      exchange.close();
    }));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    pool.shutdownNow();
  }

  private HttpResponse<String> post(String path, String authHeader, String authValue, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).header(authHeader, authValue)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> chat(String body) throws Exception {
    return post("/v1/chat/completions", "Authorization", "Bearer " + token, body);
  }

  @Test
  void chatCompletion_passesTheProvidersResponse_withReportingHeaders() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.reply(429).header("Retry-After", "1"));
    upstream.forKey("sk-oa-b").respond(FakeUpstream.json(200, "{\"id\":\"chatcmpl-1\"}").header("x-request-id", "up-1"));
    HttpResponse<String> r = chat("{\"model\":\"gpt-4o\",\"models\":[\"nope:x\"],\"messages\":[]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"id\":\"chatcmpl-1\"}");
    assertThat(r.headers().firstValue("AIG-Request-Id")).hasValueSatisfying(v -> assertThat(v).startsWith("rq_"));
    assertThat(r.headers().firstValue("AIG-Attempts")).hasValue("2");
    assertThat(r.headers().firstValue("AIG-Model")).hasValue("gpt-4o");
    assertThat(r.headers().firstValue("AIG-Provider")).hasValue("openai");
    assertThat(r.headers().firstValue("AIG-Rejected-Models")).hasValue("nope:x");
    assertThat(r.headers().firstValue("x-request-id")).hasValue("up-1");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  /** Regression: no gateway error carried AIG-Model or AIG-Provider, even after upstream attempts. */
  @Test
  void errorsAfterAttempts_carryTheModelAndProviderOfTheLastAttempt() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.reply(503));
    upstream.forKey("sk-oa-b").respond(FakeUpstream.reply(503));
    HttpResponse<String> r = chat("{\"model\":\"gpt-4o\"}");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("AIG-Attempts")).hasValue("1");
    assertThat(r.headers().firstValue("AIG-Model")).hasValue("gpt-4o");
    assertThat(r.headers().firstValue("AIG-Provider")).hasValue("openai");
    HttpResponse<String> refused = post("/v1/chat/completions", "Authorization", "Bearer ng-wrong", "{}");
    assertThat(refused.headers().firstValue("AIG-Model")).as("no attempt, no model").isEmpty();
  }

  /** Regression: a body with thousands of rejected fallbacks produced a 70 KB AIG-Rejected-Models header. */
  @Test
  void rejectedModelsHeader_isCapped() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.json(200, "{}"));
    StringBuilder models = new StringBuilder();
    for (int i = 0; i < 150; i++) { // about 3 KB of body, under this gateway's 4 KB limit
      models.append(i == 0 ? "" : ",").append("\"nope:model-").append(i).append('"');
    }
    HttpResponse<String> r = chat("{\"model\":\"gpt-4o\",\"models\":[" + models + "]}");
    assertThat(r.statusCode()).isEqualTo(200);
    String rejected = r.headers().firstValue("AIG-Rejected-Models").orElseThrow();
    assertThat(rejected.length()).isLessThanOrEqualTo(1024);
    assertThat(rejected).startsWith("nope:model-0, nope:model-1, ").endsWith(", ...");
  }

  @Test
  void badAccessKey_is401_inTheOpenAiFormat() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", "Authorization", "Bearer ng-wrong", "{\"model\":\"gpt-4o\"}");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("x-should-retry")).as("only errors after failover say so").isEmpty();
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_access_key");
    assertThat(body.at("/error/type").asText()).isEqualTo("authentication_error");
    assertThat(body.at("/error/message").asText()).isEqualTo("Invalid access key.");
    assertThat(body.at("/error/param").isNull()).isTrue();
    assertThat(body.get("request_id").asText()).isEqualTo(r.headers().firstValue("AIG-Request-Id").orElseThrow());
    assertThat(r.headers().firstValue("AIG-Attempts")).hasValue("0");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void messagesErrors_useTheAnthropicFormat() throws Exception {
    HttpResponse<String> r = post("/v1/messages", "x-api-key", token, "{\"model\":\"gpt-4o\",\"max_tokens\":1}");
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("type").asText()).isEqualTo("error");
    assertThat(body.at("/error/type").asText()).isEqualTo("not_found_error");
    assertThat(body.at("/error/message").asText()).contains("does not support API surface \"messages\"");
    assertThat(body.get("request_id").asText()).startsWith("rq_");
    // exactly the contract's shape
    java.util.List<String> top = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(top::add);
    assertThat(top).containsExactly("type", "error", "request_id");
    java.util.List<String> inner = new java.util.ArrayList<>();
    body.get("error").fieldNames().forEachRemaining(inner::add);
    assertThat(inner).containsExactly("type", "message");
  }

  @Test
  void rateLimited_is429_withRetryAfter_andAllFailed_is503_withTheAttempts() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.reply(429).header("Retry-After", "7"));
    upstream.forKey("sk-oa-b").respond(FakeUpstream.reply(429).header("Retry-After", "9"));
    HttpResponse<String> limited = chat("{\"model\":\"gpt-4o\"}");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
    assertThat(JSON.readTree(limited.body()).at("/error/code").asText()).isEqualTo("rate_limited");
    assertThat(limited.headers().firstValue("x-should-retry")).as("the gateway is the retry layer").hasValue("false");
    // a client retry inside the provider's wait is answered at once, without calling it
    HttpResponse<String> again = chat("{\"model\":\"gpt-4o\"}");
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.headers().firstValue("AIG-Attempts")).hasValue("0");
    assertThat(again.headers().firstValue("x-should-retry")).hasValue("false");
    assertThat(upstream.requests()).hasSize(2);

    upstream.forKey("sk-an-c").respond(FakeUpstream.reply(503));
    HttpResponse<String> failed = chat("{\"model\":\"claude-sonnet-4-6\"}");
    assertThat(failed.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(failed.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("all_providers_failed");
    assertThat(body.at("/error/attempts/0/provider").asText()).isEqualTo("anthropic");
    assertThat(body.at("/error/attempts/0/statusCode").asInt()).isEqualTo(503);
    assertThat(body.at("/error/attempts/0/retryAction").asText()).isEqualTo("next_backend");
    assertThat(body.at("/error/attempts/0/providerKeyId").asText()).startsWith("aigpk_");
    assertThat(failed.headers().firstValue("AIG-Attempts")).hasValue("1");
    assertThat(failed.headers().firstValue("x-should-retry")).hasValue("false");
  }

  @Test
  void oversizedBody_evenChunked_is413_withNoUpstreamCall() throws Exception {
    byte[] big = ("{\"model\":\"gpt-4o\",\"x\":\"" + "a".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void streams_arriveInOrder_andABreakIsNeverACleanEnd() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"));
    HttpResponse<String> ok = chat("{\"model\":\"gpt-4o\",\"stream\":true}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n");
    assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/event-stream");

    upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n")
        .breakAfterChunks(2));
    HttpResponse<InputStream> broken = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(broken.statusCode()).isEqualTo(200);
    int before = upstream.requests().size();
    try (InputStream in = broken.body()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
    assertThat(upstream.requests()).hasSize(before);
  }

  @Test
  void modelsList_showsWhatTheKeyMayCall() throws Exception {
    String scoped = gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(
        gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o\","
            + "\"openai:gpt-9-preview\"]}}}")).id()).build()).token();
    gateway.admin().virtualModels().create("fast", null, java.util.List.of("claude-haiku-4-5", "gpt-4o"));
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
        .header("Authorization", "Bearer " + scoped).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("object").asText()).isEqualTo("list");
    java.util.List<String> ids = new java.util.ArrayList<>();
    body.get("data").forEach(m -> ids.add(m.get("id").asText()));
    assertThat(ids).containsExactly("openai/gpt-4o", "openai/gpt-9-preview", "fast");
    HttpResponse<String> denied = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(401);
  }

  @Test
  void unknownSurface_is404_andOtherPathsReachTheHostsHandler() throws Exception {
    HttpResponse<String> r = post("/v1/audio/speech", "Authorization", "Bearer " + token, "{}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("unsupported_surface");
    HttpResponse<String> host = client.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(host.body()).isEqualTo("host app");
    assertThat(host.headers().firstValue("AIG-Request-Id")).isEmpty();
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void headerPrefix_isConfigurable() throws Exception {
    server.removeContext("/");
    server.createContext("/", GatewayHttpHandler.create(gateway).withHeaderPrefix("X-Gw-"));
    upstream.forKey("sk-oa-a").respond(FakeUpstream.json(200, "{}"));
    HttpResponse<String> r = chat("{\"model\":\"gpt-4o\"}");
    assertThat(r.headers().firstValue("X-Gw-Request-Id")).isPresent();
    assertThat(r.headers().firstValue("AIG-Request-Id")).isEmpty();
  }

  @Test
  void oversizedHeaders_are431_withNoUpstreamCall() throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token);
    for (int i = 0; i < 20; i++) {
      b.header("X-Big-" + i, "v".repeat(4000));
    }
    HttpResponse<String> r = client.send(b.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(431);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void fullPoolAndLine_isAnswered503WithRetryAfter_whileTheServerKeepsAccepting() throws Exception {
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    HttpServer small = GatewayHttpHandler.newServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    small.createContext("/", GatewayHttpHandler.wrap(gateway, exchange -> {
      entered.countDown();
      try {
        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    }));
    small.start();
    String smallBase = "http://127.0.0.1:" + small.getAddress().getPort();
    try {
      java.util.concurrent.CompletableFuture<HttpResponse<String>> held = client.sendAsync(
          HttpRequest.newBuilder(URI.create(smallBase + "/hold")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // the one thread is busy; of two more exchanges one waits in the line of one, the other is refused
      long start = System.nanoTime();
      java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> more = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        more.add(client.sendAsync(HttpRequest.newBuilder(URI.create(smallBase + "/v1/models"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()));
      }
      HttpResponse<?> refused = (HttpResponse<?>) java.util.concurrent.CompletableFuture.anyOf(
          more.toArray(new java.util.concurrent.CompletableFuture<?>[0])).get(2, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("AIG-Request-Id")).isPresent();
      assertThat(JSON.readTree((String) refused.body()).at("/error/message").asText()).contains("capacity");
      release.countDown();
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (java.util.concurrent.CompletableFuture<HttpResponse<String>> f : more) {
        statuses.add(f.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode());
      }
      assertThat(statuses).containsExactlyInAnyOrder(503, 200);
      assertThat(held.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(204);
    } finally {
      release.countDown();
      small.stop(0);
      ((ExecutorService) small.getExecutor()).shutdownNow();
    }
  }

  @Test
  void newServer_setsNoSystemProperty() throws Exception {
    String before = System.getProperty("sun.net.httpserver.nodelay");
    HttpServer s = GatewayHttpHandler.newServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    s.stop(0);
    ((ExecutorService) s.getExecutor()).shutdownNow();
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo(before);
  }

  @Test
  void bodySlowerThanTheBodyTimeout_is408_withNoUpstreamCall() throws Exception {
    server.removeContext("/");
    server.createContext("/", GatewayHttpHandler.create(gateway).withBodyTimeout(Duration.ofMillis(300)));
    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      s.setSoTimeout(5_000);
      java.io.OutputStream out = s.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\nContent-Length: 18\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(600);
      out.write("\"gpt-4o\"}".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 408");
    }
    assertThat(upstream.requests()).isEmpty();
  }
}
