package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.failover.Completion;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.IncompleteStreamException;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OkHttp transport against MockWebServer on loopback: verdicts, socket failures, redirects, streams. */
final class OkHttpUpstreamTest {
  private static final String OK = "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}";
  private MockWebServer openai;
  private MockWebServer anthropic;
  private Gateway gateway;
  private String token;

  @BeforeEach
  void setUp() throws IOException {
    openai = new MockWebServer();
    openai.start(InetAddress.getLoopbackAddress(), 0);
    anthropic = new MockWebServer();
    anthropic.start(InetAddress.getLoopbackAddress(), 0);
    build(Gateway.builder());
  }

  private void build(Gateway.Builder builder) {
    gateway = builder.keyStore(KeyStore.inMemory())
        .baseUrl("openai", openai.url("/v1").toString())
        .baseUrl("anthropic", anthropic.url("/v1").toString())
        .upstream(OkHttpUpstream.create())
        .build();
    key("openai", "primary", "sk-openai-primary-1111");
    key("openai", "backup", "sk-openai-backup-2222");
    key("anthropic", "main", "sk-ant-main-3333");
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("mws").build()).token();
  }

  private void key(String provider, String name, String value) {
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(provider).name(name).value(value).build());
  }

  @AfterEach
  void tearDown() {
    openai.close();
    anthropic.close();
  }

  private GatewayResponse chat(String body) {
    return gateway.handle(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token).header("x-api-key", token).body(body).build());
  }

  private static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{\"error\":{\"message\":\"status " + code + "\"}}").build();
  }

  private static MockResponse ok() {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(OK).build();
  }

  private static final String BOTH = "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"messages\":[]}";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "429, next_key, 2, 0",
      "401, next_key, 2, 0",
      "402, next_key, 2, 0",
      "403, next_key, 2, 0",
      "408, next_backend, 1, 1",
      "500, next_backend, 1, 1",
      "502, next_backend, 1, 1",
      "503, next_backend, 1, 1",
      "529, next_backend, 1, 1",
  })
  void everyVerdictRow(int status, String action, int openaiRequests, int anthropicRequests) throws Exception {
    openai.enqueue(status(status));
    openai.enqueue(ok()); // for the backup key, when the verdict is next_key
    anthropic.enqueue(ok());
    try (GatewayResponse r = chat(BOTH)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.attempts()).extracting(a -> a.retryAction().json()).containsExactly(action, "succeeded");
    }
    assertThat(openai.getRequestCount()).isEqualTo(openaiRequests);
    assertThat(anthropic.getRequestCount()).isEqualTo(anthropicRequests);
    // the recorded attempts equal the requests the servers saw: the client retried nothing
    assertThat(openai.getRequestCount() + anthropic.getRequestCount()).isEqualTo(2);
  }

  @Test
  void otherClientErrors_failFast_unchanged() throws Exception {
    openai.enqueue(new MockResponse.Builder().code(422).addHeader("Content-Type", "application/json")
        .body("{\"error\":\"bad\"}").build());
    try (GatewayResponse r = chat(BOTH)) {
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.bodyString()).isEqualTo("{\"error\":\"bad\"}");
    }
    assertThat(openai.getRequestCount()).isEqualTo(1);
    assertThat(anthropic.getRequestCount()).isZero();
  }

  @Test
  void credentials_theAccessKeyNeverGoesUpstream_andExactlyOneProviderCredentialDoes() throws Exception {
    openai.enqueue(status(429));
    openai.enqueue(ok());
    chat("{\"model\":\"gpt-4o\"}").close();
    RecordedRequest first = openai.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = openai.takeRequest(5, TimeUnit.SECONDS);
    for (RecordedRequest r : List.of(first, second)) {
      assertThat(r.getHeaders().values("Authorization")).hasSize(1);
      assertThat(r.getHeaders().toString()).doesNotContain(token.substring(3, 20));
      assertThat(r.getHeaders().get("x-api-key")).isNull();
      assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    }
    assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer sk-openai-primary-1111");
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer sk-openai-backup-2222");
    assertThat(second.getBody().utf8()).isEqualTo("{\"model\":\"gpt-4o\"}");
  }

  @Test
  void anthropicGetsXApiKeyAndVersion() throws Exception {
    anthropic.enqueue(ok());
    gateway.handle(GatewayRequest.builder().surface(Surface.MESSAGES).header("x-api-key", token)
        .body("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":3}").build()).close();
    RecordedRequest r = anthropic.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getHeaders().values("x-api-key")).containsExactly("sk-ant-main-3333");
    assertThat(r.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(r.getHeaders().get("Authorization")).isNull();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/messages");
  }

  @Test
  void redirectsAreNeverFollowed() throws Exception {
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start(InetAddress.getLoopbackAddress(), 0);
      elsewhere.enqueue(ok());
      openai.enqueue(new MockResponse.Builder().code(307).addHeader("Location", elsewhere.url("/steal")).build());
      anthropic.enqueue(ok());
      try (GatewayResponse r = chat(BOTH)) {
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.attempts().get(0).statusCode()).isEqualTo(307);
        assertThat(r.attempts().get(0).retryAction()).isEqualTo(RetryAction.NEXT_BACKEND);
      }
      assertThat(elsewhere.getRequestCount()).isZero();
    }
  }

  @Test
  void aUsersClientThatFollowsRedirects_isMadeSafe() throws Exception {
    okhttp3.OkHttpClient loose = new okhttp3.OkHttpClient.Builder().followRedirects(true).build();
    build(Gateway.builder().upstream(OkHttpUpstream.create(loose)));
    try (MockWebServer elsewhere = new MockWebServer()) {
      elsewhere.start(InetAddress.getLoopbackAddress(), 0);
      openai.enqueue(new MockResponse.Builder().code(302).addHeader("Location", elsewhere.url("/x")).build());
      anthropic.enqueue(ok());
      chat(BOTH).close();
      assertThat(elsewhere.getRequestCount()).isZero();
    }
  }

  @Test
  void socketPolicies_disconnectAtStartAfterRequestOrDuringBody_areNextBackend_withNoClientRetry() throws Exception {
    List<MockResponse> failures = List.of(
        new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build(),
        new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build(),
        new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body(new PartialBody(List.of("{\"id\":\"trunc"), 100)).onResponseEnd(new SocketEffect.CloseSocket())
            .build());
    for (MockResponse failure : failures) {
      tearDown();
      setUp();
      build(Gateway.builder().perAttemptTimeout(Duration.ofSeconds(3)));
      openai.enqueue(failure);
      anthropic.enqueue(ok());
      try (GatewayResponse r = chat(BOTH)) {
        assertThat(r.provider()).as(failure.toString()).isEqualTo("anthropic");
        AttemptRecord first = r.attempts().get(0);
        assertThat(first.retryAction()).isEqualTo(RetryAction.NEXT_BACKEND);
        assertThat(first.error()).isNotNull();
        assertThat(first.completion()).isEqualTo(Completion.FAILED);
      }
      assertThat(openai.getRequestCount()).as("no client retry for %s", failure).isEqualTo(1);
    }
  }

  @Test
  void noResponse_timesOutPerAttempt_thenTheNextCandidate() throws Exception {
    build(Gateway.builder().perAttemptTimeout(Duration.ofMillis(500)).totalTimeout(Duration.ofSeconds(10)));
    openai.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    anthropic.enqueue(ok());
    long start = System.nanoTime();
    try (GatewayResponse r = chat(BOTH)) {
      assertThat(r.provider()).isEqualTo("anthropic");
      assertThat(r.attempts().get(0).completion()).isEqualTo(Completion.TIMED_OUT);
      assertThat(r.attempts().get(0).timedOut()).isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void allAttemptsFailing_reportsEachAttempt() {
    openai.enqueue(status(503));
    anthropic.enqueue(status(500));
    FailoverExhaustedException e = (FailoverExhaustedException) catchGateway(() -> chat(BOTH));
    assertThat(e.code()).isEqualTo(ErrorCode.ALL_PROVIDERS_FAILED);
    assertThat(e.attempts()).extracting(AttemptRecord::statusCode).containsExactly(503, 500);
  }

  @Test
  void streams_arriveAsTheyAreSent_andABreakIsAnError() throws Exception {
    openai.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .body(new PartialBody(List.of("data: one\n\n", "data: two\n\n"), 1000))
        .onResponseEnd(new SocketEffect.CloseSocket()).build());
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(r.isStream()).isTrue();
      InputStream in = r.body();
      StringBuilder got = new StringBuilder();
      byte[] buf = new byte[256];
      assertThatThrownBy(() -> {
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      }).isInstanceOf(IncompleteStreamException.class);
      assertThat(got.toString()).isEqualTo("data: one\n\ndata: two\n\n");
    }
    assertThat(openai.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aCompleteStream_endsCleanly() throws Exception {
    openai.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .chunkedBody("data: a\n\ndata: [DONE]\n\n", 8).build());
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true}")) {
      assertThat(r.bodyString()).isEqualTo("data: a\n\ndata: [DONE]\n\n");
    }
  }

  /** Writes the first event, then each next one after {@code pauseMillis}: a slow provider stream. */
  static final class SlowEvents implements MockResponseBody {
    private final List<String> events;
    private final long pauseMillis;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    SlowEvents(List<String> events, long pauseMillis) {
      this.events = new ArrayList<>(events);
      this.pauseMillis = pauseMillis;
    }

    /** Ends the body at its next pause, so the server can shut down without waiting for it. */
    void stop() {
      stopped.countDown();
    }

    @Override
    public long getContentLength() {
      return -1;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      for (int i = 0; i < events.size(); i++) {
        if (i > 0) {
          try {
            if (stopped.await(pauseMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
              return;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        sink.writeUtf8(events.get(i));
        sink.flush();
      }
    }
  }

  /** Writes some events, flushing each, then stops short of its declared length. */
  static final class PartialBody implements MockResponseBody {
    private final List<String> events;
    private final long declared;

    PartialBody(List<String> events, long declared) {
      this.events = new ArrayList<>(events);
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

  static GatewayException catchGateway(Runnable r) {
    try {
      r.run();
    } catch (GatewayException e) {
      return e;
    }
    throw new AssertionError("expected a GatewayException");
  }
}
