package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Headers;
import dev.aigateway.IncompleteStreamException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.Upstream;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Edges of the wait-once retry, stream endings and usage of passed-through answers, found by review. */
final class RetryAndStreamEdgesTest {
  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[]}";
  private static final String OK = "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}";

  /** A fake clock that runs a hook when the gateway sleeps (another request acting meanwhile). */
  private static final class HookClock implements Clock {
    final FakeClock clock = FakeClock.create();
    volatile Runnable onSleep = () -> {};

    @Override
    public void sleep(Duration d) throws InterruptedException {
      onSleep.run();
      clock.sleep(d);
    }

    @Override
    public Instant now() {
      return clock.now();
    }

    @Override
    public long nanoTime() {
      return clock.nanoTime();
    }
  }

  private static String token(Gateway g) {
    return g.admin().accessKeys().create(AccessKeyChange.builder().name("t").build()).token();
  }

  private static String key(Gateway g) {
    return g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value("sk-aaaaaaaaaaaaaaaa").build()).id();
  }

  /** Regression: the wait-once retry cleared a longer wait the provider set while it slept, and called the key. */
  @Test
  void aWaitTheProviderSetDuringTheWaitOnce_isHonouredToo() {
    HookClock clock = new HookClock();
    FakeUpstream upstream = FakeUpstream.create(clock.clock);
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build()) {
      String id = key(g);
      String token = token(g);
      upstream.forKey("sk-aaaaaaaaaaaaaaaa").respond(FakeUpstream.reply(429).header("retry-after", "1"),
          FakeUpstream.json(200, OK));
      clock.onSleep = () -> g.cooldowns().honour(id, Duration.ofSeconds(60)); // another request's 429
      FailoverExhaustedException e = FailoverTest.catchExhausted(() ->
          g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)).close());
      assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(upstream.requests()).as("not called inside the 60 s wait").hasSize(1);
    }
  }

  /** Regression: a deadline reached by the retried attempt of the wait-once was all_providers_failed. */
  @Test
  void aDeadlineReachedByTheRetriedAttempt_isGatewayTimeout() {
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .totalTimeout(Duration.ofSeconds(3)).perAttemptTimeout(Duration.ofSeconds(3))
        .maxRetryWait(Duration.ofSeconds(2)).build()) {
      key(g);
      String token = token(g);
      upstream.forKey("sk-aaaaaaaaaaaaaaaa").respond(
          FakeUpstream.reply(429).header("retry-after", "1").delay(Duration.ofMillis(1500)),
          FakeUpstream.json(200, OK).delay(Duration.ofSeconds(30)));
      FailoverExhaustedException e = FailoverTest.catchExhausted(() ->
          g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)).close());
      assertThat(e.code()).isEqualTo(ErrorCode.GATEWAY_TIMEOUT);
      assertThat(upstream.requests()).hasSize(2);
    }
  }

  /** Regression: a stream that broke and was then closed was reported completed twice. */
  @Test
  void aBrokenStream_isCompletedOnce_asStreamFailed() throws Exception {
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    List<RequestRecord> completed = new CopyOnWriteArrayList<>();
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .listener(new GatewayListener() {
          @Override
          public void completed(RequestRecord request) {
            completed.add(request);
          }
        }).build()) {
      key(g);
      String token = token(g);
      upstream.otherwise().always(FakeUpstream.sse(200, "data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n",
          "data: [DONE]\n\n").breakAfterChunks(1));
      GatewayResponse r = g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\",\"stream\":true}"));
      InputStream in = r.body();
      assertThatThrownBy(() -> {
        byte[] buf = new byte[1024];
        while (in.read(buf) >= 0) {
          // drain until the break
        }
      }).isInstanceOf(IncompleteStreamException.class);
      r.close();
      assertThat(completed).singleElement().satisfies(c -> assertThat(c.errorCode()).isEqualTo("stream_failed"));
      assertThat(g.request(r.requestId()).errorCode()).isEqualTo("stream_failed");
    }
  }

  /** Regression: a stream that ended on its first read was left recorded as still running (status 0). */
  @Test
  void aStreamEndingAtOnce_isRecordedWithItsStatus() throws Exception {
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build()) {
      key(g);
      String token = token(g);
      upstream.otherwise().always(FakeUpstream.sse(200));
      GatewayResponse r = g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\",\"stream\":true}"));
      r.body().readAllBytes();
      r.close();
      assertThat(g.request(r.requestId()).status()).isEqualTo(200);
    }
  }

  /** Regression: usage split across the end of the buffered head of a passed-through answer was under-billed. */
  @Test
  void usageStraddlingTheBufferedHead_isBilledWhole() throws Exception {
    int limit = 64 * 1024;
    byte[] end = "\",\"usage\":{\"prompt_tokens\":1234,\"completion_tokens\":5678}}".getBytes(StandardCharsets.UTF_8);
    for (int extra = 1; extra <= end.length + 2; extra++) {
      int size = limit + extra;
      byte[] body = new byte[size];
      Arrays.fill(body, (byte) 'a');
      byte[] start = "{\"x\":\"".getBytes(StandardCharsets.UTF_8);
      System.arraycopy(start, 0, body, 0, start.length);
      System.arraycopy(end, 0, body, size - end.length, end.length);
      TestUpstreams.RecordingLedger ledger = new TestUpstreams.RecordingLedger();
      List<CreditLedger.Charge> billed = ledger.billed;
      Upstream upstream = TestUpstreams.answering(200, Headers.of("Content-Type", "application/json"),
          () -> new ByteArrayInputStream(body), new java.util.concurrent.atomic.AtomicInteger());
      try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream).creditLedger(ledger)
          .accountSettings(TestUpstreams.enforced()).bufferedResponseBytes(limit).build()) {
        key(g);
        String token = token(g);
        try (GatewayResponse r = g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT))) {
          assertThat(r.body().readAllBytes()).hasSize(size);
        }
        int n = extra;
        assertThat(billed).as("%d bytes past the head", n).singleElement().satisfies(u -> {
          assertThat(u.inputTokens()).isEqualTo(1234);
          assertThat(u.outputTokens()).isEqualTo(5678);
        });
      }
    }
  }

  /** A FailoverPolicy that throws (or turns impossible after build) leaks no upstream response. */
  @Test
  void aPolicyThatThrows_stillClosesTheUpstreamResponse() {
    java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
    Upstream upstream = TestUpstreams.answering(503, Headers.empty(), InputStream::nullInputStream, closes);
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
    dev.aigateway.failover.FailoverPolicy policy = new dev.aigateway.failover.FailoverPolicy() {
      @Override
      public dev.aigateway.failover.RetryAction classify(int status) {
        if (broken.get()) {
          throw new IllegalStateException("a bug in the host's policy");
        }
        return dev.aigateway.failover.FailoverPolicy.defaults().classify(status);
      }

      @Override
      public Duration cooldown(int status, @org.jspecify.annotations.Nullable Duration retryAfter) {
        return Duration.ZERO;
      }
    };
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream).failoverPolicy(policy)
        .build()) {
      key(g);
      String token = token(g);
      broken.set(true);
      assertThatThrownBy(() -> g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("host's policy");
      assertThat(closes).hasValue(1);
    }
  }
}
