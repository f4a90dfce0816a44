package dev.aigateway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.aigateway.Gateway;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.spring.app.DemoApplication;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot application with the starter, on a real Tomcat on loopback, driven by the official OpenAI
 * client; MockWebServer plays OpenAI. One application context serves every test of this class.
 */
@SpringBootTest(classes = DemoApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "aigateway.allow-private-upstreams=true",
        "aigateway.admin.key=" + SpringBootStarterTest.ADMIN_KEY,
        "aigateway.cors-allowed-origins=" + SpringBootStarterTest.BROWSER_ORIGIN,
        "management.endpoints.web.exposure.include=health",
        "management.endpoint.health.show-details=always"})
final class SpringBootStarterTest {
  static final String ADMIN_KEY = "admin-key-for-the-starter-test-7f3a";
  static final String BROWSER_ORIGIN = "https://app.example.com";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMPLETION = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1760000000,"
      + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Hi!\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}";

  @TempDir
  static Path dataDir;
  static MockWebServer provider;
  /** Access keys and provider keys, created once through the management API. */
  private static String plainToken;
  private static String failoverToken;

  @Value("${local.server.port}")
  int port;
  @Autowired
  Gateway gateway;
  @Autowired
  FailoverPolicy policy;
  @Autowired
  DemoApplication.CompletedRequests completed;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private OpenAIClient client;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    provider = new MockWebServer();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    registry.add("aigateway.data-dir", () -> dataDir.toString());
    registry.add("aigateway.upstreams.openai", () -> provider.url("/v1").toString());
  }

  @AfterAll
  static void stopProvider() {
    provider.close();
  }

  @BeforeEach
  void provision() throws Exception {
    if (plainToken == null) {
      String plainKey = create("/provider-keys", "{\"providerId\":\"openai\",\"name\":\"plain\",\"value\":\"sk-plain-1111\"}");
      String primary = create("/provider-keys",
          "{\"providerId\":\"openai\",\"name\":\"primary\",\"value\":\"sk-primary-2222\"}");
      String backup = create("/provider-keys",
          "{\"providerId\":\"openai\",\"name\":\"backup\",\"value\":\"sk-backup-3333\"}");
      String plainConfig = create("/access-key-configurations", "{\"name\":\"plain\",\"router\":{\"rules\":["
          + "{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + plainKey + "\"}]}]}]}}");
      String failoverConfig = create("/access-key-configurations", "{\"name\":\"failover\",\"router\":{\"rules\":["
          + "{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"ordered\",\"keys\":["
          + "{\"id\":\"" + primary + "\"},{\"id\":\"" + backup + "\"}]}]}]}}");
      plainToken = admin("POST", "/access-keys", "{\"name\":\"plain\",\"accessKeyConfigurationId\":\"" + plainConfig + "\"}")
          .path("token").asText();
      failoverToken = admin("POST", "/access-keys",
          "{\"name\":\"failover\",\"accessKeyConfigurationId\":\"" + failoverConfig + "\"}").path("token").asText();
    }
    client = client(plainToken);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private OpenAIClient client(String token) {
    return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(token).maxRetries(0)
        .build();
  }

  private static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Say hi").build();
  }

  @Test
  void aCompletion_isServedThroughTheGatewayAtV1() throws Exception {
    long before = completed.count();
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(COMPLETION).build());

    ChatCompletion completion = client.chat().completions().create(params());

    assertThat(completion.choices().get(0).message().content()).hasValue("Hi!");
    RecordedRequest sent = provider.takeRequest(5, TimeUnit.SECONDS);
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer sk-plain-1111");
    assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(completed.count()).as("the application's listener bean was told").isEqualTo(before + 1);
  }

  @Test
  void aRateLimitedKey_failsOverToTheBackupKey() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1")
        .body("{\"error\":{\"message\":\"Rate limit reached\"}}").build());
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(COMPLETION).build());

    OpenAIClient failover = client(failoverToken);
    try {
      assertThat(failover.chat().completions().create(params()).choices().get(0).message().content()).hasValue("Hi!");
    } finally {
      failover.close();
    }
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-primary-2222");
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-backup-3333");
  }

  @Test
  void aStream_arrivesChunkByChunk() throws Exception {
    String chunk = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,"
        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}";
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .chunkedBody("data: " + chunk.formatted("Hel") + "\n\n" + "data: " + chunk.formatted("lo") + "\n\n"
            + "data: [DONE]\n\n", 64).build());

    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params())) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Hello");
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).contains("\"stream\":true");
  }

  /** Through Spring's filter chain too, a provider that breaks mid-stream never looks like a clean end. */
  @Test
  void aStreamThatBreaks_endsWithoutTheTerminatingChunk() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .body(new PartialBody(List.of("data: one\n\n", "data: two\n\n"), 1000))
        .onResponseEnd(new SocketEffect.CloseSocket()).build());

    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Authorization", "Bearer " + plainToken).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    StringBuilder got = new StringBuilder();
    try (InputStream in = r.body()) {
      assertThatThrownBy(() -> {
        byte[] buf = new byte[256];
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      }).isInstanceOf(IOException.class);
    }
    assertThat(got.toString()).isEqualTo("data: one\n\ndata: two\n\n");
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
  }

  /** A body that declares more than it sends. */
  static final class PartialBody implements MockResponseBody {
    private final List<String> events;
    private final long declared;

    PartialBody(List<String> events, long declared) {
      this.events = events;
      this.declared = declared;
    }

    @Override
    public long getContentLength() {
      return declared;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      for (String e : events) {
        sink.writeUtf8(e);
        sink.flush();
      }
    }
  }

  @Test
  void theManagementApi_answersUnderAigateway_onlyWithTheAdminKey() throws Exception {
    HttpResponse<String> list = send(HttpRequest.newBuilder(uri("/aigateway/access-keys"))
        .header("Authorization", "Bearer " + ADMIN_KEY).GET());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).path("aiGatewayAccessKeys").size()).isGreaterThanOrEqualTo(2);
    assertThat(list.body()).doesNotContain(plainToken).doesNotContain("sk-plain-1111");

    HttpResponse<String> none = send(HttpRequest.newBuilder(uri("/aigateway/access-keys")).GET());
    assertThat(none.statusCode()).isEqualTo(401);
    HttpResponse<String> accessKey = send(HttpRequest.newBuilder(uri("/aigateway/access-keys"))
        .header("Authorization", "Bearer " + plainToken).GET());
    assertThat(accessKey.statusCode()).as("an access key is not an admin key").isEqualTo(401);
  }

  @Test
  void aBrowserClientOfAnAllowedOrigin_getsItsPreflightAnswered_andCanReadTheReportHeaders() throws Exception {
    HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Origin", BROWSER_ORIGIN).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type, x-stainless-lang")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(BROWSER_ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("authorization, content-type, x-stainless-lang");
    HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body(COMPLETION).build());
    HttpResponse<String> served = send(HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Origin", BROWSER_ORIGIN).header("Authorization", "Bearer " + plainToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")));
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS)).as("one upstream call, for the request only").isNotNull();
    assertThat(served.headers().firstValue("Access-Control-Allow-Origin")).hasValue(BROWSER_ORIGIN);
    assertThat(served.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("AIG-Request-Id");
    HttpResponse<String> management = send(HttpRequest.newBuilder(uri("/aigateway/gateway-config"))
        .header("Origin", BROWSER_ORIGIN).header("Authorization", "Bearer " + ADMIN_KEY).GET());
    assertThat(JSON.readTree(management.body()).path("corsAllowedOrigins").toString())
        .isEqualTo("[\"" + BROWSER_ORIGIN + "\"]");
    assertThat(management.headers().firstValue("Access-Control-Allow-Origin")).as("the management API is not opened")
        .isEmpty();
  }

  @Test
  void theApplicationsOwnRoutes_stillAnswer_evenUnderV1() throws Exception {
    HttpResponse<String> hello = send(HttpRequest.newBuilder(uri("/hello")).GET());
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(hello.body()).isEqualTo("hello from the application");

    HttpResponse<String> other = send(HttpRequest.newBuilder(uri("/v1/other-thing")).GET());
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.body()).isEqualTo("the application's own /v1 route");
    assertThat(other.headers().firstValue("AIG-Request-Id")).isEmpty();
  }

  @Test
  void aV1PathNoOneServes_getsTheGatewaysOpenAiStyle404() throws Exception {
    int before = provider.getRequestCount();
    HttpResponse<String> unknown = send(HttpRequest.newBuilder(uri("/v1/audio/speech"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).path("error").path("code").asText()).isEqualTo("unsupported_surface");
    assertThat(provider.getRequestCount()).as("no upstream call").isEqualTo(before);
  }

  @Test
  void theDashboard_isServedUnderTheAdminPath() throws Exception {
    HttpResponse<String> bare = send(HttpRequest.newBuilder(uri("/aigateway/dashboard")).GET());
    assertThat(bare.statusCode()).isEqualTo(308);
    assertThat(bare.headers().firstValue("Location")).hasValue("dashboard/");
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/aigateway/dashboard/")).GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(page.body()).contains("<title>AI Gateway dashboard");
  }

  @Test
  void theApplicationsFailoverPolicyBean_isTheOneInUse() {
    assertThat(policy.classify(409)).isEqualTo(RetryAction.NEXT_KEY);
    assertThat(FailoverPolicy.defaults().classify(409)).isEqualTo(RetryAction.FAIL_FAST);
    assertThat(gateway.keyStore().getClass().getSimpleName()).isEqualTo("DataDirectoryKeyStore");
  }

  @Test
  void actuatorHealth_showsAigatewayUp_withoutSecrets() throws Exception {
    HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/actuator/health")).GET());
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode aigateway = JSON.readTree(health.body()).path("components").path("aigateway");
    assertThat(aigateway.path("status").asText()).isEqualTo("UP");
    assertThat(aigateway.path("details").path("store").asText()).isEqualTo("DataDirectoryKeyStore");
    assertThat(health.body()).doesNotContain(ADMIN_KEY).doesNotContain("sk-plain-1111").doesNotContain(plainToken);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String create(String path, String body) throws Exception {
    return admin("POST", path, body).path("id").asText();
  }

  private JsonNode admin(String method, String path, String body) throws Exception {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/aigateway" + path))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)));
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(201);
    return JSON.readTree(r.body());
  }

}
