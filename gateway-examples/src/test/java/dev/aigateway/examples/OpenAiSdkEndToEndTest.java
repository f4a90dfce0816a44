package dev.aigateway.examples;

import dev.aigateway.config.ConfigurationJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java client, pointed at the gateway's HTTP handler on loopback, with
 * MockWebServer playing OpenAI.
 */
final class OpenAiSdkEndToEndTest {
  private MockWebServer provider;
  private HttpServer server;
  private Gateway gateway;
  private OpenAIClient client;
  private String token;

  @BeforeEach
  void setUp() throws IOException {
    provider = new MockWebServer();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())
        .baseUrl("openai", provider.url("/v1").toString())
        .upstream(OkHttpUpstream.create())
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("primary")
        .value("sk-primary-1111").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("backup")
        .value("sk-backup-2222").build());
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"openai only\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}")).id();
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("sdk").configurationId(config).build())
        .token();
    server = GatewayHttpHandler.newServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", GatewayHttpHandler.create(gateway));
    server.start();
    client = client(token);
  }

  private OpenAIClient client(String apiKey) {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
        .apiKey(apiKey)
        .maxRetries(0)
        .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    provider.close();
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hi").build();
  }

  @Test
  void chatCompletion_failsOverFromARateLimitedKey() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "3")
        .body("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}").build());
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1760000000,\"model\":\"gpt-4o-2024-08-06\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\",\"refusal\":null},"
            + "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}").build());

    ChatCompletion completion = client.chat().completions().create(params("gpt-4o"));

    assertThat(completion.choices().get(0).message().content()).hasValue("Hi!");
    RecordedRequest first = provider.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = provider.takeRequest(5, TimeUnit.SECONDS);
    assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer sk-primary-1111");
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer sk-backup-2222");
    assertThat(second.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(provider.getRequestCount()).isEqualTo(2);
  }

  /**
   * Regression: with its default of two retries, the SDK re-sent the gateway's final 429 or 503, and one
   * app call became several provider calls. The gateway says x-should-retry: false; the SDK honours it.
   */
  @Test
  void theSdksDefaultRetries_doNotMultiplyProviderCalls() {
    OpenAIClient defaults = OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1").apiKey(token).build();
    try {
      for (int i = 0; i < 2; i++) {
        provider.enqueue(new MockResponse.Builder().code(503).body("{\"error\":{\"message\":\"down\"}}").build());
      }
      assertThatThrownBy(() -> defaults.chat().completions().create(params("gpt-4o")))
          .isInstanceOf(com.openai.errors.OpenAIServiceException.class)
          .satisfies(e -> assertThat(((com.openai.errors.OpenAIServiceException) e).statusCode()).isEqualTo(503));
      assertThat(provider.getRequestCount()).as("one attempt (503 skips the provider's other key), no SDK retry")
          .isEqualTo(1);
    } finally {
      defaults.close();
    }
  }

  @Test
  void streamedCompletion_arrivesChunkByChunk() {
    String chunk = "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,"
        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"},\"finish_reason\":null}]}";
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .chunkedBody("data: " + chunk.formatted("Hel") + "\n\n" + "data: " + chunk.formatted("lo") + "\n\n"
            + "data: [DONE]\n\n", 64).build());

    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("gpt-4o"))) {
      stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("Hello");
    assertThat(provider.getRequestCount()).isEqualTo(1);
  }

  @Test
  void badAccessKey_is401() {
    OpenAIClient stranger = client("ng-not-a-real-key");
    try {
      assertThatThrownBy(() -> stranger.chat().completions().create(params("gpt-4o")))
          .isInstanceOf(UnauthorizedException.class)
          .satisfies(e -> assertThat(((UnauthorizedException) e).statusCode()).isEqualTo(401));
    } finally {
      stranger.close();
    }
    assertThat(provider.getRequestCount()).isZero();
  }

  @Test
  void modelOutsideTheScope_is403() {
    assertThatThrownBy(() -> client.chat().completions().create(params("claude-sonnet-4-6")))
        .isInstanceOf(PermissionDeniedException.class)
        .satisfies(e -> {
          PermissionDeniedException p = (PermissionDeniedException) e;
          assertThat(p.statusCode()).isEqualTo(403);
          assertThat(p.getMessage()).contains("not allowed by the access policy");
        });
    assertThat(provider.getRequestCount()).isZero();
  }
}
