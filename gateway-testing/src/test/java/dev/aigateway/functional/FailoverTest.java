package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.failover.Completion;
import dev.aigateway.routing.KeySource;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.IncompleteStreamException;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DESIGN §3 failover, offline: the attempt loop over a scripted upstream on a fake clock. */
final class FailoverTest {
  static final String OK = "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  private FakeClock clock;
  private FakeUpstream upstream;
  private Gateway gateway;
  private String token;
  private String primaryId;

  @BeforeEach
  void setUp() {
    build(Gateway.builder());
  }

  private void build(Gateway.Builder builder) {
    clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = builder.keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
    primaryId = key("openai", "primary", "sk-oa-primary-000000");
    key("openai", "backup", "sk-oa-backup-0000000");
    key("anthropic", "main", "sk-an-main-00000000");
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("t").build()).token();
  }

  private String key(String provider, String name, String value) {
    return gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(provider).name(name).value(value)
        .build()).id();
  }

  private GatewayResponse chat(String body) {
    return gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
  }

  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String GPT_THEN_CLAUDE =
      "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"messages\":[]}";

  private static List<String> actions(List<AttemptRecord> attempts) {
    return attempts.stream().map(a -> a.statusCode() + " " + a.retryAction().json()).toList();
  }

  @Test
  void rateLimitedKey_failsOverToTheNextKey_andCoolsDownForRetryAfter() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429).header("Retry-After", "5"));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(actions(r.attempts())).containsExactly("429 next_key", "200 succeeded");
      assertThat(r.attempts().get(1).providerKeyId()).isNotEqualTo(primaryId);
      assertThat(r.provider()).isEqualTo("openai");
      assertThat(r.model()).isEqualTo("gpt-4o");
    }
    assertThat(gateway.cooldowns().remaining(primaryId)).isEqualTo(Duration.ofSeconds(5));
    // the next request tries the cooling key last
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)).attempts())
        .extracting(PlannedAttempt::providerKeyName).containsExactly("backup", "primary");
    clock.advance(Duration.ofSeconds(5));
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)).attempts())
        .extracting(PlannedAttempt::providerKeyName).containsExactly("primary", "backup");
  }

  @Test
  void authFailures_areNextKey_withTheDefaultSixtySecondCooldown() {
    for (int status : new int[] {401, 402, 403}) {
      setUp();
      upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(status));
      upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
      try (GatewayResponse r = chat(GPT)) {
        assertThat(actions(r.attempts())).containsExactly(status + " next_key", "200 succeeded");
      }
      assertThat(gateway.cooldowns().remaining(primaryId)).isEqualTo(Duration.ofSeconds(60));
    }
  }

  @Test
  void serverErrorsAndTimeouts_skipTheProvidersOtherKeys_andMoveToTheNextModel() {
    for (int status : new int[] {408, 500, 502, 503, 529}) {
      setUp();
      upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(status));
      upstream.forKey("sk-an-main").respond(FakeUpstream.json(200, OK));
      try (GatewayResponse r = chat(GPT_THEN_CLAUDE)) {
        assertThat(actions(r.attempts())).containsExactly(status + " next_backend", "200 succeeded");
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.model()).isEqualTo("claude-sonnet-4-6");
      }
      assertThat(upstream.requestsFor("sk-oa-backup")).isEmpty();
      assertThat(gateway.cooldowns().remaining(primaryId)).isZero();
    }
  }

  @Test
  void timeoutBeforeHeaders_andDisconnects_areNextBackend() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(61)));
    upstream.forKey("sk-an-main").respond(FakeUpstream.reply(200).disconnectBeforeHeaders());
    FailoverExhaustedException e = catchExhausted(() -> chat(GPT_THEN_CLAUDE));
    assertThat(e.code()).isEqualTo(ErrorCode.ALL_PROVIDERS_FAILED);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.attempts()).extracting(a -> a.completion().json()).containsExactly("timed_out", "failed");
    assertThat(e.attempts()).extracting(AttemptRecord::retryAction)
        .containsExactly(RetryAction.NEXT_BACKEND, RetryAction.NEXT_BACKEND);
    assertThat(e.attempts().get(0).timedOut()).isTrue();
    assertThat(e.getSuppressed()).hasSize(2);
    assertThat(e.getMessage()).contains("openai/gpt-4o").contains("anthropic/claude-sonnet-4-6");
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(60).toNanos());
  }

  @Test
  void otherClientErrors_failFast_withTheProvidersStatusAndBody() {
    String error = "{\"error\":{\"message\":\"max_tokens is too large\",\"type\":\"invalid_request_error\"}}";
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.json(400, error).header("x-request-id", "req_1"));
    try (GatewayResponse r = chat(GPT_THEN_CLAUDE)) {
      assertThat(r.status()).isEqualTo(400);
      assertThat(new String(r.bodyBytes(), StandardCharsets.UTF_8)).isEqualTo(error);
      assertThat(r.header("x-request-id")).isEqualTo("req_1");
      assertThat(actions(r.attempts())).containsExactly("400 fail_fast");
    }
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void everyAttemptRateLimited_isRateLimited_withTheShortestRetryAfter() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429).header("retry-after-ms", "30000"));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.reply(429).header("Retry-After", "20"));
    FailoverExhaustedException e = catchExhausted(() -> chat(GPT));
    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20));
    assertThat(e.attempts()).hasSize(2);
  }

  @Test
  void everyKeyCooling_withAShortWait_waitsOnceAndRetriesTheSameBackend() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429).header("retry-after-ms", "1500"),
        FakeUpstream.json(200, OK));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.reply(429).header("Retry-After", "30"));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(actions(r.attempts())).containsExactly("429 retry_same_backend", "429 next_key", "200 succeeded");
      assertThat(r.attempts().get(2).providerKeyId()).isEqualTo(primaryId);
    }
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(1500).toNanos());
  }

  @Test
  void aWaitLongerThanMaxRetryWait_isNotTaken() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429).header("Retry-After", "3"), FakeUpstream.json(200, OK));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.reply(429).header("Retry-After", "3"));
    assertThat(catchExhausted(() -> chat(GPT)).code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(upstream.requests()).hasSize(2);
    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void oneDeadlineCoversTheWholeRequest() {
    build(Gateway.builder().totalTimeout(Duration.ofSeconds(100)).perAttemptTimeout(Duration.ofSeconds(40)));
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(45)));
    upstream.forKey("sk-an-main").respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(45)));
    key("google", "g", "sk-go-main-00000000");
    upstream.forKey("sk-go-main").respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(45)));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
    FailoverExhaustedException e = catchExhausted(() -> chat(
        "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\",\"gemini-2.5-pro\",\"openai:gpt-4o-mini\"]}"));
    assertThat(e.code()).isEqualTo(ErrorCode.GATEWAY_TIMEOUT);
    assertThat(e.status()).isEqualTo(504);
    // 40 s + 40 s, then the third attempt gets only the 20 s left
    assertThat(upstream.requests()).extracting(UpstreamRequest::timeout)
        .containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(40), Duration.ofSeconds(20));
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(100).toNanos());
  }

  @Test
  void attemptsAreBounded() {
    build(Gateway.builder().maxAttempts(2));
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(401));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.reply(401));
    upstream.forKey("sk-an-main").respond(FakeUpstream.json(200, OK));
    FailoverExhaustedException e = catchExhausted(() -> chat(GPT_THEN_CLAUDE));
    assertThat(e.code()).isEqualTo(ErrorCode.ALL_PROVIDERS_FAILED);
    assertThat(e.getMessage()).contains("attempt budget of 2 reached");
    assertThat(upstream.requests()).hasSize(2);
  }

  @Test
  void eachAttemptIsRecorded_andQueryableByRequestId() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(503));
    upstream.forKey("sk-an-main").respond(FakeUpstream.json(200, OK));
    String id;
    try (GatewayResponse r = chat(GPT_THEN_CLAUDE)) {
      id = r.requestId();
    }
    RequestRecord record = gateway.request(id);
    assertThat(record).isNotNull();
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.attempts()).hasSize(2);
    AttemptRecord served = record.attempts().get(1);
    assertThat(served.attemptNumber()).isEqualTo(2);
    assertThat(served.keySource()).isEqualTo(KeySource.USER);
    assertThat(served.inputTokens()).isEqualTo(12);
    assertThat(served.outputTokens()).isEqualTo(5);
    assertThat(gateway.request("rq_unknown")).isNull();
  }

  @Test
  void usageIsReportedToTheCreditLedger() {
    CreditLedger ledger = CreditLedger.inMemory();
    ledger.grant(1_000, "test");
    // a fee of one cent per token: the 12 + 5 tokens the provider reported cost 17 cents
    build(Gateway.builder().creditLedger(ledger).accountSettings(
        new Gateway.AccountSettings(true, 1_000_000, null, null, null, null)));
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.json(200, OK));
    chat(GPT).close();
    assertThat(ledger.balanceCents()).isEqualTo(1_000 - 17);
  }

  @Test
  void streams_areForwardedChunkByChunk() throws IOException {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.sse(200, "data: {\"a\":1}\n\n", "data: {\"a\":2}\n\n",
        "data: {\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n", "data: [DONE]\n\n"));
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}")) {
      assertThat(r.isStream()).isTrue();
      assertThat(r.bodyBytes()).isNull();
      InputStream in = r.body();
      byte[] buf = new byte[1024];
      assertThat(new String(buf, 0, in.read(buf), StandardCharsets.UTF_8)).isEqualTo("data: {\"a\":1}\n\n");
      assertThat(new String(buf, 0, in.read(buf), StandardCharsets.UTF_8)).isEqualTo("data: {\"a\":2}\n\n");
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).endsWith("data: [DONE]\n\n");
      RequestRecord record = gateway.request(r.requestId());
      assertThat(record.status()).isEqualTo(200);
      assertThat(record.attempts().get(0).outputTokens()).isEqualTo(4);
      assertThat(record.attempts().get(0).streaming()).isTrue();
    }
  }

  @Test
  void aStreamBreakingAfterTwoEvents_endsInAnError_neverACleanEnd() throws IOException {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n")
        .breakAfterChunks(2));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true}")) {
      InputStream in = r.body();
      byte[] buf = new byte[64];
      assertThat(in.read(buf)).isPositive();
      assertThat(in.read(buf)).isPositive();
      assertThatThrownBy(() -> in.read(buf)).isInstanceOf(IncompleteStreamException.class)
          .hasMessageContaining("stream broke");
      // reading again after the break is still an error, never a clean end of stream
      assertThatThrownBy(() -> in.read(buf)).isInstanceOf(IncompleteStreamException.class);
      assertThatThrownBy(in::readAllBytes).isInstanceOf(IncompleteStreamException.class);
      assertThat(gateway.request(r.requestId()).attempts().get(0).completion()).isEqualTo(Completion.STREAM_FAILED);
      assertThat(gateway.request(r.requestId()).errorCode()).isEqualTo("stream_failed");
    }
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void aStreamFailingBeforeItsFirstByte_canStillFailOver() throws IOException {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.sse(200, "data: never\n\n").breakAfterChunks(0));
    upstream.forKey("sk-an-main").respond(FakeUpstream.sse(200, "data: ok\n\n"));
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"stream\":true}")) {
      assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: ok\n\n");
      assertThat(actions(r.attempts())).containsExactly("200 next_backend", "200 succeeded");
    }
  }

  @Test
  void closingAnUnfinishedStream_cancelsTheUpstreamCall() throws IOException {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n"));
    GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true}");
    assertThat(r.body().read(new byte[64])).isPositive();
    r.close();
    assertThatThrownBy(() -> r.body().read(new byte[64])).as("a closed stream never reads as a clean end")
        .isInstanceOf(IOException.class);
    assertThat(gateway.request(r.requestId()).errorCode()).isEqualTo("client_closed");
  }

  @Test
  void noUpstream_isAClearError() {
    Gateway planOnly = Gateway.builder().build();
    assertThatThrownBy(() -> planOnly.execute(null)).isInstanceOf(NullPointerException.class);
    String t = planOnly.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    planOnly.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k").value("sk-x").build());
    assertThatThrownBy(() -> planOnly.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, t, GPT)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Gateway.builder().upstream(");
  }

  /**
   * Regression: a key in a provider-requested Retry-After cooldown was only ordered last, so every client
   * retry called it again; it must not be called before the wait ends.
   */
  @Test
  void aProviderRequestedWait_isHonoured_clientRetriesCostTheProviderNothing() {
    upstream.forKey("sk-oa-primary").always(FakeUpstream.reply(429).header("Retry-After", "30"));
    upstream.forKey("sk-oa-backup").always(FakeUpstream.reply(429).header("Retry-After", "20"));
    assertThat(catchExhausted(() -> chat(GPT)).attempts()).hasSize(2);
    assertThat(upstream.requests()).hasSize(2);
    for (int retry = 0; retry < 10; retry++) {
      clock.advance(Duration.ofSeconds(1));
      FailoverExhaustedException e = catchExhausted(() -> chat(GPT));
      assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(e.attempts()).as("no attempt is made while the provider's wait lasts").isEmpty();
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20 - 1 - retry));
    }
    assertThat(upstream.requests()).as("the provider was called by the first request only").hasSize(2);
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT)).attempts())
        .allMatch(PlannedAttempt::waitRequested);
    clock.advance(Duration.ofSeconds(10)); // the backup's wait is over, the primary's is not
    assertThat(catchExhausted(() -> chat(GPT)).attempts()).extracting(AttemptRecord::providerKeyId)
        .doesNotContain(primaryId).hasSize(1);
  }

  @Test
  void onlyHeldKeys_withAWaitThatFits_waitOnce_andCallTheSoonest() {
    String backupId = gateway.admin().providerKeys().list("openai", null, 10).items().stream()
        .filter(k -> k.name().equals("backup")).findFirst().orElseThrow().id();
    gateway.cooldowns().honour(primaryId, Duration.ofMillis(1500));
    gateway.cooldowns().honour(backupId, Duration.ofSeconds(30));
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.json(200, OK));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.attempts()).extracting(AttemptRecord::providerKeyId).containsExactly(primaryId);
    }
    assertThat(upstream.requests()).as("the backup, still held, was never called").hasSize(1);
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(1500).toNanos());
  }

  @Test
  void aCooldownTheGatewayChose_stillLetsTheKeyBeTriedLast() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(401), FakeUpstream.json(200, OK));
    // the backup's 429 has no Retry-After: its cooldown is the gateway's choice too
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK), FakeUpstream.reply(429));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(actions(r.attempts())).containsExactly("401 next_key", "200 succeeded");
    }
    try (GatewayResponse r = chat(GPT)) {
      assertThat(actions(r.attempts())).as("the cooling primary is tried last, not never")
          .containsExactly("429 next_key", "200 succeeded");
    }
  }

  /** Regression: a deadline that expired during the last attempt was all_providers_failed (503). */
  @Test
  void aDeadlinePassingDuringTheLastAttempt_isGatewayTimeout() {
    build(Gateway.builder().totalTimeout(Duration.ofSeconds(30)).perAttemptTimeout(Duration.ofSeconds(30)));
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(31)));
    FailoverExhaustedException e = catchExhausted(() -> chat(GPT));
    assertThat(e.code()).isEqualTo(ErrorCode.GATEWAY_TIMEOUT);
    assertThat(e.status()).isEqualTo(504);
    assertThat(e.attempts()).hasSize(1);
  }

  /** Regression: no credential found while executing was a FailoverExhaustedException, at planning a rejection. */
  @Test
  void noCredentialsWhileExecuting_isTheSameRejectionAsWhilePlanning() {
    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT));
    gateway.admin().providerKeys().list("openai", null, 10).items()
        .forEach(k -> gateway.admin().providerKeys().delete(k.id()));
    GatewayException e = Fixture.catchGateway(() -> gateway.execute(plan));
    assertThat(e).isInstanceOf(RequestRejectedException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.status()).isEqualTo(400);
    GatewayException atPlan = Fixture.catchGateway(() -> gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS,
        token, GPT)));
    assertThat(atPlan).isInstanceOf(RequestRejectedException.class);
    assertThat(atPlan.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(upstream.requests()).isEmpty();
  }

  /** Regression: a custom policy answering RETRY_SAME_BACKEND or EXHAUSTED was silently taken as NEXT_KEY. */
  @Test
  void aPolicyAnsweringAVerdictOnlyTheGatewayTakes_isAClearError() {
    for (RetryAction impossible : new RetryAction[] {RetryAction.RETRY_SAME_BACKEND, RetryAction.EXHAUSTED}) {
      FailoverPolicy bad = new FailoverPolicy() {
        @Override
        public RetryAction classify(int status) {
          return status == 503 ? impossible : FailoverPolicy.defaults().classify(status);
        }

        @Override
        public Duration cooldown(int status, Duration retryAfter) {
          return Duration.ZERO;
        }
      };
      assertThatThrownBy(() -> Gateway.builder().failoverPolicy(bad).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("classify(503) returned " + impossible);
    }
    java.util.concurrent.atomic.AtomicBoolean built = new java.util.concurrent.atomic.AtomicBoolean();
    FailoverPolicy turning = new FailoverPolicy() {
      @Override
      public RetryAction classify(int status) {
        return built.get() && status == 503 ? RetryAction.RETRY_SAME_BACKEND : FailoverPolicy.defaults().classify(status);
      }

      @Override
      public Duration cooldown(int status, Duration retryAfter) {
        return Duration.ZERO;
      }
    };
    build(Gateway.builder().failoverPolicy(turning));
    built.set(true);
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(503));
    assertThatThrownBy(() -> chat(GPT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("classify(503) returned RETRY_SAME_BACKEND");
    assertThat(upstream.requests()).hasSize(1);
  }

  static FailoverExhaustedException catchExhausted(Runnable r) {
    try {
      r.run();
    } catch (FailoverExhaustedException e) {
      return e;
    } catch (GatewayException e) {
      throw new AssertionError("expected exhaustion but got " + e.code(), e);
    }
    throw new AssertionError("expected a FailoverExhaustedException");
  }
}
