package dev.aigateway.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet, the admin servlet and the filter in a real Jetty 12 on loopback, called by OkHttp and the JDK client. */
final class GatewayServletTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private final OkHttpClient ok = new OkHttpClient.Builder().retryOnConnectionFailure(false)
      .readTimeout(Duration.ofSeconds(10)).build();
  private final HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private FakeUpstream upstream;
  private Gateway gateway;
  private AdminKeys adminKeys;
  private String adminToken;
  private String token;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).maxRequestBytes(4096)
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value("sk-oa-a-00000").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("b").value("sk-oa-b-00000").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("anthropic").name("c").value("sk-an-c-00000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("servlet").build()).token();
    adminKeys = new AdminKeys();
    adminToken = AdminKeys.newToken();
    adminKeys.allowToken(adminToken);
    GatewayServlet servlet = GatewayServlet.create(gateway);
    base = host(new JettyHost("/").servlet(servlet, "/v1/*", true)
        .servlet(AdminServlet.create(gateway, adminKeys, null), "/admin/*", false)).base();
  }

  private JettyHost host(JettyHost host) throws Exception {
    closeables.add(host);
    return host.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private Response chat(String base, String body) throws IOException {
    return ok.newCall(new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + token)
        .post(RequestBody.create(body, JSON_TYPE)).build()).execute();
  }

  @Test
  void plainRequest_passesTheProvidersResponse_withReportHeaders() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.json(200, "{\"id\":\"chatcmpl-1\"}")
        .header("Date", "Mon, 01 Jan 2024 00:00:00 GMT").header("x-request-id", "up-1"));
    try (Response r = chat(base, "{\"model\":\"gpt-4o\",\"messages\":[]}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("x-request-id")).isEqualTo("up-1");
      assertThat(r.headers("Date")).as("the container's own Date, once").hasSize(1)
          .doesNotContain("Mon, 01 Jan 2024 00:00:00 GMT");
      assertThat(r.body().string()).isEqualTo("{\"id\":\"chatcmpl-1\"}");
      assertThat(r.header("AIG-Request-Id")).startsWith("rq_");
      assertThat(r.header("AIG-Attempts")).isEqualTo("1");
      assertThat(r.header("AIG-Provider")).isEqualTo("openai");
      assertThat(r.header("AIG-Model")).isEqualTo("gpt-4o");
    }
    assertThat(upstream.requests()).hasSize(1);
    assertThat(upstream.requests().get(0).headers().get("Authorization")).isEqualTo("Bearer sk-oa-a-00000");
  }

  @Test
  void rateLimitedKey_failsOverToTheNextKey() throws Exception {
    upstream.forKey("sk-oa-a").always(FakeUpstream.json(429, "{\"error\":\"slow down\"}"));
    upstream.forKey("sk-oa-b").always(FakeUpstream.json(200, "{\"id\":\"from-b\"}"));
    try (Response r = chat(base, "{\"model\":\"gpt-4o\"}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"id\":\"from-b\"}");
      assertThat(r.header("AIG-Attempts")).isEqualTo("2");
    }
    assertThat(upstream.requests()).hasSize(2);
  }

  @Test
  void everyProviderFailing_is503_withTheAttempts_andNoRetryHint() throws Exception {
    upstream.otherwise().always(FakeUpstream.json(500, "{}"));
    try (Response r = chat(base, "{\"model\":\"gpt-4o\"}")) {
      assertThat(r.code()).isEqualTo(503);
      JsonNode body = JSON.readTree(r.body().string());
      assertThat(body.at("/error/code").asText()).isEqualTo("all_providers_failed");
      assertThat(body.at("/error/attempts")).hasSize(1);
      assertThat(r.header("x-should-retry")).isEqualTo("false");
      assertThat(r.header("AIG-Provider")).isEqualTo("openai");
    }
  }

  @Test
  void stream_arrivesInOrder_asAnEventStream() throws Exception {
    upstream.forKey("sk-oa-a").respond(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"));
    try (Response r = chat(base, "{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/event-stream");
      assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(r.body().string()).isEqualTo("data: 1\n\ndata: 2\n\ndata: [DONE]\n\n");
    }
  }

  @Test
  void streamThatBreaksMidway_neverEndsCleanly_andIsNotRetried() throws Exception {
    upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n")
        .breakAfterChunks(2));
    HttpResponse<InputStream> r = jdk.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    try (InputStream in = r.body()) {
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
    }
    try (Response viaOkHttp = chat(base, "{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(viaOkHttp.code()).isEqualTo(200);
      assertThatThrownBy(() -> viaOkHttp.body().string()).isInstanceOf(IOException.class);
    }
    assertThat(upstream.requests()).hasSize(2);
  }

  @Test
  void bodyOverTheLimit_evenChunked_is413_withNoUpstreamCall() throws Exception {
    byte[] big = ("{\"model\":\"gpt-4o\",\"pad\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    RequestBody chunked = new RequestBody() {
      @Override
      public MediaType contentType() {
        return JSON_TYPE;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        for (int i = 0; i < big.length; i += 1000) {
          sink.write(big, i, Math.min(1000, big.length - i));
          sink.flush();
        }
      }
    };
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/chat/completions")
        .header("Authorization", "Bearer " + token).post(chunked).build()).execute()) {
      assertThat(r.code()).isEqualTo(413);
      assertThat(JSON.readTree(r.body().string()).at("/error/code").asText()).isEqualTo("request_too_large");
      assertThat(r.header("AIG-Request-Id")).startsWith("rq_");
    } catch (IOException e) {
      // the server may close the connection before the client has finished sending; the answer was 413 or nothing
      assertThat(e).hasMessageNotContaining("200");
    }
    HttpResponse<String> declared = jdk.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void headersOverSixtyFourKibibytes_are431_inTheSurfacesFormat_withNoUpstreamCall() throws Exception {
    String roomy = host(new JettyHost("/").requestHeaderSize(256 * 1024)
        .servlet(GatewayServlet.create(gateway), "/v1/*", true)).base();
    Request.Builder b = new Request.Builder().url(roomy + "/v1/messages").header("x-api-key", token);
    for (int i = 0; i < 20; i++) {
      b.header("X-Big-" + i, "v".repeat(4000));
    }
    try (Response r = ok.newCall(b.post(RequestBody.create("{\"model\":\"claude-sonnet-4-6\"}", JSON_TYPE)).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(431);
      JsonNode body = JSON.readTree(r.body().string());
      assertThat(body.at("/type").asText()).isEqualTo("error");
      assertThat(body.at("/error/type").asText()).isEqualTo("request_too_large");
    }
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void badAccessKey_is401_inTheSurfacesFormat() throws Exception {
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/chat/completions")
        .header("Authorization", "Bearer ng-nope").post(RequestBody.create("{\"model\":\"gpt-4o\"}", JSON_TYPE))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      JsonNode body = JSON.readTree(r.body().string());
      assertThat(body.at("/error/code").asText()).isEqualTo("invalid_access_key");
      assertThat(body.at("/error/param").isNull()).isTrue();
      assertThat(r.header("AIG-Attempts")).isEqualTo("0");
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/messages").header("x-api-key", "ng-nope")
        .post(RequestBody.create("{\"model\":\"claude-sonnet-4-6\"}", JSON_TYPE)).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      JsonNode body = JSON.readTree(r.body().string());
      assertThat(body.at("/type").asText()).isEqualTo("error");
      assertThat(body.at("/error/type").asText()).isEqualTo("authentication_error");
    }
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void modelsList_isServed_andOtherMethodsOrPathsAreRefused() throws Exception {
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/models")
        .header("Authorization", "Bearer " + token).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode body = JSON.readTree(r.body().string());
      assertThat(body.get("object").asText()).isEqualTo("list");
      assertThat(body.get("data").size()).isGreaterThan(1);
      assertThat(r.header("AIG-Request-Id")).startsWith("rq_");
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/models").build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/chat/completions")
        .header("Authorization", "Bearer " + token).build()).execute()) {
      assertThat(r.code()).isEqualTo(405);
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/v1/nothing-here")
        .header("Authorization", "Bearer " + token).post(RequestBody.create("{}", JSON_TYPE)).build()).execute()) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(JSON.readTree(r.body().string()).at("/error/code").asText()).isEqualTo("unsupported_surface");
    }
  }

  @Test
  void adminApi_roundTrip_createsAKeyThatServesAtOnce() throws Exception {
    try (Response r = ok.newCall(new Request.Builder().url(base + "/admin/access-keys")
        .header("Authorization", "Bearer " + adminToken)
        .post(RequestBody.create("{\"name\":\"made over http\"}", JSON_TYPE)).build()).execute()) {
      assertThat(r.code()).isEqualTo(201);
      JsonNode created = JSON.readTree(r.body().string());
      String id = created.get("id").asText();
      String newToken = created.get("token").asText();
      upstream.forKey("sk-oa-a").respond(FakeUpstream.json(200, "{\"ok\":true}"));
      try (Response served = ok.newCall(new Request.Builder().url(base + "/v1/chat/completions")
          .header("Authorization", "Bearer " + newToken).post(RequestBody.create("{\"model\":\"gpt-4o\"}", JSON_TYPE))
          .build()).execute()) {
        assertThat(served.code()).isEqualTo(200);
      }
      try (Response list = ok.newCall(new Request.Builder().url(base + "/admin/access-keys")
          .header("Authorization", "Bearer " + adminToken).build()).execute()) {
        assertThat(list.code()).isEqualTo(200);
        assertThat(list.body().string()).contains(id).doesNotContain(newToken);
      }
      try (Response deleted = ok.newCall(new Request.Builder().url(base + "/admin/access-keys/" + id)
          .header("Authorization", "Bearer " + adminToken).delete().build()).execute()) {
        assertThat(deleted.code()).isEqualTo(204);
      }
      try (Response refused = ok.newCall(new Request.Builder().url(base + "/v1/chat/completions")
          .header("Authorization", "Bearer " + newToken).post(RequestBody.create("{\"model\":\"gpt-4o\"}", JSON_TYPE))
          .build()).execute()) {
        assertThat(refused.code()).isEqualTo(401);
      }
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/admin/access-keys")
        .header("Authorization", "Bearer " + token).build()).execute()) {
      assertThat(r.code()).as("an access key is no admin key").isEqualTo(401);
      assertThat(JSON.readTree(r.body().string()).has("errorCode")).isTrue();
    }
  }

  @Test
  void filter_servesV1_andPassesEveryOtherPathToTheHostsServlet_evenWithoutAsyncSupport() throws Exception {
    HttpServlet hostApp = new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.getOutputStream().write(("host app " + req.getRequestURI()).getBytes(StandardCharsets.UTF_8));
      }
    };
    // registered without async support, the filter serves the gateway on the container's thread
    String filtered = host(new JettyHost("/app").filter(GatewayFilter.create(gateway), "/*", false)
        .servlet(hostApp, "/*", false)).base() + "/app";
    try (Response r = ok.newCall(new Request.Builder().url(filtered + "/hello").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("host app /app/hello");
    }
    try (Response r = ok.newCall(new Request.Builder().url(filtered + "/v1x").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("host app /app/v1x");
    }
    upstream.forKey("sk-oa-a").respond(FakeUpstream.json(200, "{\"id\":\"filtered\"}"));
    try (Response r = chat(filtered, "{\"model\":\"gpt-4o\"}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"id\":\"filtered\"}");
      assertThat(r.header("AIG-Attempts")).isEqualTo("1");
    }
    upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n").breakAfterChunks(1));
    try (Response r = chat(filtered, "{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThatThrownBy(() -> r.body().string()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void filter_withAsyncSupportEverywhere_streamsAndAbortsLikeTheServlet() throws Exception {
    HttpServlet hostApp = new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getOutputStream().write("host".getBytes(StandardCharsets.UTF_8));
      }
    };
    String filtered = host(new JettyHost("/").filter(GatewayFilter.create(gateway), "/*", true)
        .servlet(hostApp, "/*", true)).base();
    upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n").breakAfterChunks(1));
    try (Response r = chat(filtered, "{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(r.code()).isEqualTo(200);
      assertThatThrownBy(() -> r.body().string()).isInstanceOf(IOException.class);
    }
    try (Response r = ok.newCall(new Request.Builder().url(filtered + "/other").build()).execute()) {
      assertThat(r.body().string()).isEqualTo("host");
    }
  }

  @Test
  void fullPool_is503WithRetryAfter_andNoUpstreamCall_whileTheModelsListStillAnswers() throws Exception {
    HeldUpstream held = new HeldUpstream();
    Gateway slow = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(held).build();
    slow.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value("sk-held-0000").build());
    String key = slow.admin().accessKeys().create(AccessKeyChange.builder().name("k").build()).token();
    String slowBase = host(new JettyHost("/").servlet(GatewayServlet.builder(slow).threads(2).build(), "/v1/*", true))
        .base();
    List<Response> open = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Response r = ok.newCall(new Request.Builder().url(slowBase + "/v1/chat/completions")
            .header("Authorization", "Bearer " + key)
            .post(RequestBody.create("{\"model\":\"gpt-4o\",\"stream\":true}", JSON_TYPE)).build()).execute();
        open.add(r);
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().source().readUtf8Line()).isEqualTo("data: tick");
      }
      long start = System.nanoTime();
      try (Response r = ok.newCall(new Request.Builder().url(slowBase + "/v1/chat/completions")
          .header("Authorization", "Bearer " + key)
          .post(RequestBody.create("{\"model\":\"gpt-4o\"}", JSON_TYPE)).build()).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(JSON.readTree(r.body().string()).at("/error/message").asText()).contains("capacity");
      }
      try (Response r = ok.newCall(new Request.Builder().url(slowBase + "/v1/models")
          .header("Authorization", "Bearer " + key).build()).execute()) {
        assertThat(r.code()).as("the model list needs no gateway thread").isEqualTo(200);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(held.calls.get()).isEqualTo(2);
    } finally {
      held.release.countDown();
      open.forEach(Response::close);
    }
  }

  @Test
  void clientThatGoesAway_cancelsTheUpstreamStream() throws Exception {
    HeldUpstream held = new HeldUpstream();
    Gateway slow = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(held).build();
    slow.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value("sk-held-0000").build());
    String key = slow.admin().accessKeys().create(AccessKeyChange.builder().name("k").build()).token();
    String slowBase = host(new JettyHost("/").servlet(GatewayServlet.create(slow), "/v1/*", true)).base();
    try {
      Response r = ok.newCall(new Request.Builder().url(slowBase + "/v1/chat/completions")
          .header("Authorization", "Bearer " + key)
          .post(RequestBody.create("{\"model\":\"gpt-4o\",\"stream\":true}", JSON_TYPE)).build()).execute();
      assertThat(r.body().source().readUtf8Line()).isEqualTo("data: tick");
      r.close(); // OkHttp drops the connection of an unread body
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (held.canceled.get() == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(held.canceled.get()).as("the upstream call was canceled").isEqualTo(1);
    } finally {
      held.release.countDown();
    }
  }

  @Test
  void dashboard_isServedBelowTheAdminServlet_withItsPolicy_andEveryPageOfIt() throws Exception {
    try (Response r = ok.newCall(new Request.Builder().url(base + "/admin/dashboard/").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/html");
      assertThat(r.header("Content-Security-Policy")).startsWith("default-src 'self';")
          .doesNotContain("unsafe-inline");
      assertThat(r.body().string()).contains("<title>AI Gateway dashboard").contains("href=\"#providers\"")
          .contains("href=\"#virtual-models\"").contains("href=\"#usage\"");
    }
    try (Response r = ok.newCall(new Request.Builder().url(base + "/admin/dashboard/dashboard.js").build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/javascript");
      // the create, edit and delete calls of custom providers and virtual models
      assertThat(r.body().string()).contains("'PATCH', `/providers/").contains("'DELETE', `/providers/")
          .contains("'PATCH', `/virtual-models/").contains("'DELETE', `/virtual-models/")
          .contains("/usage/overview?groupBy=");
    }
  }
}
