package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An app's own OkHttp client, routed through the gateway in-process by the interceptor. */
final class GatewayInterceptorTest {
  private MockWebServer provider;
  private OkHttpClient appClient;
  private String token;
  private Gateway gateway;
  private final java.util.List<dev.aigateway.failover.RequestRecord> completed =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    provider = new MockWebServer();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory())
        .baseUrl("openai", provider.url("/v1").toString())
        .upstream(OkHttpUpstream.create())
        .maxRequestBytes(64 * 1024)
        .listener(new dev.aigateway.spi.GatewayListener() {
          @Override
          public void completed(dev.aigateway.failover.RequestRecord request) {
            completed.add(request);
          }
        })
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-real-provider-key").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    appClient = new OkHttpClient.Builder().addInterceptor(GatewayInterceptor.create(gateway)).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
    gateway.close();
  }

  @Test
  void providerCallsGoThroughTheGateway_withTheProviderCredentialInjected() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"id\":\"ok\"}").build());
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"id\":\"ok\"}");
      assertThat(r.header("AIG-Provider")).isEqualTo("openai");
      assertThat(r.header("AIG-Attempts")).isEqualTo("1");
    }
    RecordedRequest seen = provider.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getHeaders().get("Authorization")).isEqualTo("Bearer sk-real-provider-key");
    assertThat(seen.getBody().utf8()).isEqualTo("{\"model\":\"gpt-4o\"}");
  }

  @Test
  void aBadAccessKey_isAnswered401_withoutLeavingTheProcess() throws Exception {
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer ng-0VbfqegyWXs1e2ojWHv861-g1-notarealsecretnotarealsecretno000000")
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("\"code\":\"invalid_access_key\"");
    }
    assertThat(provider.getRequestCount()).isZero();
  }

  @Test
  void otherRequests_proceedUntouched() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(204).build());
    try (Response r = appClient.newCall(new Request.Builder().url(provider.url("/health")).build()).execute()) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("AIG-Request-Id")).isNull();
    }
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath()).isEqualTo("/health");
  }

  /**
   * Regression: every POST to a /v1 surface path was taken over, so an app calling its provider directly
   * with its own key got 401 from the gateway.
   */
  @Test
  void aProvidersOwnKey_passesThroughUntouched() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).body("{\"id\":\"direct\"}").build());
    Request request = new Request.Builder().url(provider.url("/v1/chat/completions"))
        .header("Authorization", "Bearer sk-the-apps-own-openai-key")
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"id\":\"direct\"}");
      assertThat(r.header("AIG-Request-Id")).as("the gateway was not involved").isNull();
    }
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-the-apps-own-openai-key");
  }

  /** Regression: the body was buffered whole before the limit was checked. */
  @Test
  void theBodyLimit_isEnforcedWhileReading() throws Exception {
    java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    RequestBody endless = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/json");
      }

      @Override
      public void writeTo(okio.BufferedSink sink) throws IOException {
        byte[] chunk = new byte[8192];
        java.util.Arrays.fill(chunk, (byte) ' ');
        for (int i = 0; i < 12_800; i++) { // 100 MiB if nothing stops it
          sink.write(chunk);
          written.addAndGet(chunk.length);
        }
      }
    };
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token).post(endless).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(413);
    }
    assertThat(written.get()).as("stopped near the 64 KiB limit").isLessThan(256 * 1024);
    assertThat(provider.getRequestCount()).isZero();
  }

  /** Regression: the app's call timeout did not reach the gateway, which kept the upstream call going. */
  @Test
  void theAppsCallTimeout_becomesTheRequestsDeadline() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).body("{}").build());
    OkHttpClient impatient = appClient.newBuilder().callTimeout(java.time.Duration.ofMillis(500)).build();
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    long t0 = System.nanoTime();
    try (Response r = impatient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(504);
    } catch (java.io.InterruptedIOException e) {
      // the app's own call timed out first; the gateway's record below shows it stopped too
    }
    for (int i = 0; i < 50 && completed.isEmpty(); i++) {
      Thread.sleep(100);
    }
    // the gateway's deadline (what was left of the call's timeout) and the call's cancellation end it at
    // about the same moment: either ends it, and the record says which
    assertThat(completed).singleElement().satisfies(rec -> assertThat(rec.status()).isIn(504, 499));
    assertThat(System.nanoTime() - t0).as("the gateway gave up with the app, not after its own 60 s")
        .isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  /** Regression: cancelling the app's call left the gateway's upstream call running to its own timeout. */
  @Test
  void appCancellation_cancelsTheUpstreamCall_andStopsFailover() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).body("{}").build());
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    okhttp3.Call call = appClient.newCall(request);
    java.util.concurrent.ScheduledExecutorService canceller =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    java.util.concurrent.ScheduledFuture<?> unused = canceller.schedule(call::cancel, 300, TimeUnit.MILLISECONDS);
    long t0 = System.nanoTime();
    IOException failure = null;
    try (Response r = call.execute()) {
      throw new AssertionError("a cancelled call answered " + r.code());
    } catch (IOException e) {
      failure = e;
    } finally {
      canceller.shutdownNow();
    }
    assertThat(failure).hasMessageContaining("Canceled");
    assertThat(System.nanoTime() - t0).as("ended with the cancel, not after the provider's 10 s")
        .isLessThan(TimeUnit.SECONDS.toNanos(3));
    for (int i = 0; i < 50 && completed.isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertThat(completed).singleElement().satisfies(rec -> {
      assertThat(rec.status()).isEqualTo(499);
      assertThat(rec.errorCode()).isEqualTo("client_closed");
      assertThat(rec.attempts()).hasSize(1);
    });
    assertThat(provider.getRequestCount()).isEqualTo(1);
  }

  /** Regression: an app that cancelled its call while reading a stream left the provider's stream running. */
  @Test
  void appCancellation_duringAStream_endsItWithAnError_andCancelsTheProvidersStream() throws Exception {
    OkHttpUpstreamTest.SlowEvents events = new OkHttpUpstreamTest.SlowEvents(List.of("data: one\n\n",
        "data: two\n\n"), 5_000);
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
        .body(events).build());
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create("{\"model\":\"gpt-4o\",\"stream\":true}", MediaType.get("application/json")))
        .build();
    okhttp3.Call call = appClient.newCall(request);
    try {
      try (Response r = call.execute()) {
        okio.BufferedSource body = r.body().source();
        assertThat(body.readUtf8Line()).isEqualTo("data: one");
        call.cancel();
        long t0 = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> body.readUtf8(100))
            .isInstanceOf(IOException.class);
        assertThat(System.nanoTime() - t0).as("the read ended with the cancel, not with the provider")
            .isLessThan(TimeUnit.SECONDS.toNanos(3));
      }
    } finally {
      events.stop(); // the provider's body is not left sleeping in the server's shutdown
    }
    for (int i = 0; i < 50 && completed.isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertThat(completed).singleElement().satisfies(rec -> assertThat(rec.errorCode()).isEqualTo("client_closed"));
  }
}
