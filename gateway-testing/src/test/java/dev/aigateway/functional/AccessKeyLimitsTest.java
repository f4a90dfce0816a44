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
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.config.BudgetPeriod;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.spi.UsagePricing;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Per-access-key limits (DESIGN.md §3 "Per-key limits"): counted in execute, refused before any upstream call. */
final class AccessKeyLimitsTest {
  private static final String SECRET = "sk-limits-aaaaaaaaaaaa";
  private static final String OK = "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  /** A gateway on a fake clock (at 10:00:00 UTC) with one OpenAI key, and shorthands for calls. */
  private static final class Env implements AutoCloseable {
    final FakeClock clock = FakeClock.at(Instant.parse("2026-11-22T10:00:00Z"));
    final FakeUpstream upstream = FakeUpstream.create(clock);
    final Gateway gateway;

    Env() {
      this(Gateway.builder());
    }

    Env(Gateway.Builder b) {
      gateway = b.keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value(SECRET)
          .build());
      upstream.forKey(SECRET).always(FakeUpstream.json(200, OK));
    }

    String key(AccessKeyLimits limits) {
      AccessKeyConfiguration c = gateway.admin().configurations().create(AccessKeyConfiguration.builder()
          .name("limited").limits(limits).build());
      return gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k").configurationId(c.id()).build())
          .token();
    }

    GatewayResponse call(String token, String body) {
      return gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
    }

    void ok(String token) {
      try (GatewayResponse r = call(token, BODY)) {
        assertThat(r.status()).isEqualTo(200);
        drain(r);
      }
    }

    RequestRejectedException refused(String token) {
      return refused(token, BODY);
    }

    RequestRejectedException refused(String token, String body) {
      int before = upstream.requests().size();
      try {
        call(token, body).close();
      } catch (RequestRejectedException e) {
        assertThat(upstream.requests()).as("no upstream call for a refused request").hasSize(before);
        return e;
      }
      throw new AssertionError("expected a refusal");
    }

    @Override
    public void close() {
      gateway.close();
    }
  }

  private static void drain(GatewayResponse r) {
    try (InputStream in = r.body()) {
      in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void requestsPerMinute_admitsExactlyN_thenRefusesWith429AndRetryAfterUntilTheNextMinute() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().requestsPerMinute(3).build());
      env.clock.advance(Duration.ofSeconds(15));
      for (int i = 0; i < 3; i++) {
        env.ok(token);
      }
      RequestRejectedException e = env.refused(token);
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
      assertThat(e.status()).isEqualTo(429);
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(45));
      assertThat(e.getMessage()).contains("requestsPerMinute").doesNotContain(token);
      assertThat(env.upstream.requests()).hasSize(3);
      env.clock.advance(Duration.ofSeconds(45));
      env.ok(token);
    }
  }

  @Test
  void plan_countsNothing_soOfflineExplainNeverSpendsALimit() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().requestsPerMinute(1).concurrentRequests(1).build());
      for (int i = 0; i < 20; i++) {
        env.gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY)).explain();
      }
      env.ok(token);
      assertThat(env.refused(token).code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
    }
  }

  @Test
  void limitsAreCountedPerAccessKey_notPerConfiguration() {
    try (Env env = new Env()) {
      AccessKeyConfiguration c = env.gateway.admin().configurations().create(AccessKeyConfiguration.builder()
          .name("shared").limits(AccessKeyLimits.builder().requestsPerMinute(1).build()).build());
      String a = env.gateway.admin().accessKeys().create(AccessKeyChange.builder().name("a").configurationId(c.id())
          .build()).token();
      String b = env.gateway.admin().accessKeys().create(AccessKeyChange.builder().name("b").configurationId(c.id())
          .build()).token();
      env.ok(a);
      env.ok(b);
      env.refused(a);
      env.refused(b);
    }
  }

  @Test
  void aKeyWithoutLimits_isNeverRefused() {
    try (Env env = new Env()) {
      String token = env.gateway.admin().accessKeys().create(AccessKeyChange.builder().name("free").build()).token();
      for (int i = 0; i < 200; i++) {
        env.ok(token);
      }
    }
  }

  @Test
  void limitsAddedByAnAdminChange_applyToTheNextRequest_andRemovingThemLiftsThem() {
    try (Env env = new Env()) {
      AccessKeyConfiguration c = env.gateway.admin().configurations().create(AccessKeyConfiguration.builder()
          .name("later").build());
      String token = env.gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k")
          .configurationId(c.id()).build()).token();
      env.ok(token);
      env.gateway.admin().configurations().update(c.id(), ConfigurationChange.builder()
          .limits(AccessKeyLimits.builder().requestsPerMinute(1).build()).build());
      env.ok(token);
      env.refused(token);
      env.gateway.admin().configurations().update(c.id(), ConfigurationChange.builder().limits(null).build());
      env.ok(token);
    }
  }

  @Test
  void tokensPerMinute_reservesTheEstimate_andAStreamSettlesWithItsRealUsage() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().tokensPerMinute(1000).build());
      env.upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: {\"choices\":[]}\n\n",
          "data: {\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20}}\n\n", "data: [DONE]\n\n"));
      String big = "{\"model\":\"gpt-4o\",\"stream\":true,\"max_tokens\":900,\"messages\":[]}";
      GatewayResponse first = env.call(token, big); // reserves about 915 tokens while it streams
      RequestRejectedException e = env.refused(token, big);
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
      assertThat(e.getMessage()).contains("tokensPerMinute");
      drain(first); // the stream ends: its real usage (30) replaces the reservation
      first.close();
      try (GatewayResponse again = env.call(token, big)) {
        drain(again);
      }
    }
  }

  @Test
  void tokensPerMinute_aResponseThatUsedMoreThanItsEstimate_spendsTheMinute() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().tokensPerMinute(2000).build());
      env.upstream.forKey(SECRET).always(FakeUpstream.json(200,
          "{\"usage\":{\"prompt_tokens\":1500,\"completion_tokens\":600}}"));
      String small = "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[]}";
      env.call(token, small).close(); // estimated ~20, used 2,100
      assertThat(env.refused(token, small).code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
      env.clock.advance(Duration.ofMinutes(1));
      env.call(token, small).close();
    }
  }

  @Test
  void tokensPerMinute_withoutMaxTokens_reservesTheDocumentedDefault() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().tokensPerMinute(1000).build());
      // 1,024 default output tokens alone are over 1,000: reserved as a whole minute, admitted into an empty one
      env.upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: {}\n\n", "data: [DONE]\n\n"));
      GatewayResponse held = env.call(token, "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");
      assertThat(env.refused(token, "{\"model\":\"gpt-4o\",\"max_tokens\":1,\"messages\":[]}").code())
          .isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
      held.close();
    }
  }

  @Test
  void concurrentRequests_aStreamHoldsItsSlotUntilItEnds() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().concurrentRequests(1).build());
      env.upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: {}\n\n", "data: [DONE]\n\n"));
      GatewayResponse stream = env.call(token, BODY);
      RequestRejectedException e = env.refused(token);
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
      assertThat(e.getMessage()).contains("concurrentRequests");
      drain(stream); // ended, not yet closed: the slot is already free
      env.call(token, BODY).close();
      stream.close();
    }
  }

  @Test
  void concurrentRequests_aStreamClosedEarlyFromAnotherThread_freesItsSlot() throws Exception {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().concurrentRequests(1).build());
      env.upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n"));
      GatewayResponse stream = env.call(token, BODY);
      stream.body().read(new byte[4]);
      env.refused(token);
      Thread closer = new Thread(stream::close);
      closer.start();
      closer.join(5_000);
      env.call(token, BODY).close();
    }
  }

  @Test
  void concurrentRequests_aStreamThatBreaks_freesItsSlot() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().concurrentRequests(1).build());
      env.upstream.forKey(SECRET).always(
          FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: 3\n\n").breakAfterChunks(1))
          .respond(FakeUpstream.json(200, OK));
      GatewayResponse stream = env.call(token, BODY);
      assertThatThrownBy(() -> drain(stream)).hasCauseInstanceOf(IncompleteStreamException.class);
      env.ok(token); // the broken stream's slot was freed though nobody closed it
      stream.close();
    }
  }

  @Test
  void concurrentRequests_failuresAndExceptionsFreeTheSlot() {
    try (Env env = new Env()) {
      String token = env.key(AccessKeyLimits.builder().concurrentRequests(1).build());
      env.upstream.forKey(SECRET).always(FakeUpstream.reply(500)).respond(FakeUpstream.reply(400).body("{}"),
          FakeUpstream.reply(200).disconnectBeforeHeaders(), FakeUpstream.json(200, OK));
      assertThatThrownBy(() -> env.call(token, BODY)).isInstanceOf(FailoverExhaustedException.class);
      try (GatewayResponse r = env.call(token, BODY)) {
        assertThat(r.status()).isEqualTo(400); // fail_fast: its slot is freed when it is returned
      }
      assertThatThrownBy(() -> env.call(token, BODY)).isInstanceOf(FailoverExhaustedException.class);
      env.ok(token);
    }
  }

  @Test
  void concurrentRequests_aPolicyThatThrows_freesTheSlot() {
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    FailoverPolicy throwing = new FailoverPolicy() {
      @Override
      public RetryAction classify(int status) {
        if (status == 200 && armed.getAndSet(false)) {
          throw new IllegalStateException("policy bug");
        }
        return FailoverPolicy.defaults().classify(status);
      }

      @Override
      public Duration cooldown(int status, @Nullable Duration retryAfter) {
        return FailoverPolicy.defaults().cooldown(status, retryAfter);
      }
    };
    try (Env env = new Env(Gateway.builder().failoverPolicy(throwing))) {
      String token = env.key(AccessKeyLimits.builder().concurrentRequests(1).build());
      armed.set(true); // the next classification throws, once
      assertThatThrownBy(() -> env.call(token, BODY)).isInstanceOf(IllegalStateException.class);
      env.ok(token);
    }
  }

  @Test
  void concurrentRequests_holdUnderManyThreads_andNoSlotLeaks() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Upstream answer = TestUpstreams.answering(200, Headers.builder().add("Content-Type", "application/json").build(),
        () -> new ByteArrayInputStream(OK.getBytes(StandardCharsets.UTF_8)), new AtomicInteger());
    Upstream slow = request -> new UpstreamCall() {
      @Override
      public UpstreamResponse execute() throws IOException {
        int now = inFlight.incrementAndGet();
        most.accumulateAndGet(now, Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        inFlight.decrementAndGet();
        return answer.newCall(request).execute();
      }

      @Override
      public void cancel() {}
    };
    FakeClock clock = FakeClock.create();
    try (Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(slow).build()) {
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a").value(SECRET).build());
      AccessKeyConfiguration c = g.admin().configurations().create(AccessKeyConfiguration.builder().name("c")
          .limits(AccessKeyLimits.builder().concurrentRequests(3).build()).build());
      String token = g.admin().accessKeys().create(AccessKeyChange.builder().name("k").configurationId(c.id())
          .build()).token();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      AtomicInteger served = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 100; i++) {
            try (GatewayResponse r = g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY))) {
              assertThat(r.status()).isEqualTo(200);
              served.incrementAndGet();
            } catch (RequestRejectedException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(most.get()).isLessThanOrEqualTo(3);
      assertThat(served.get() + refused.get()).isEqualTo(800);
      assertThat(served.get()).isPositive();
      // every slot came back: three requests can be in flight again
      List<GatewayResponse> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY)));
      }
      assertThat(held).hasSize(3);
      held.forEach(GatewayResponse::close);
    }
  }

  @Test
  void budget_stopsTheKeyOncePricedUsageReachesIt_untilTheNextPeriod() {
    UsagePricing tenCents = (provider, model, in, out) -> 10_000_000; // 10 cents
    try (Env env = new Env(Gateway.builder().usagePricing(tenCents))) {
      String token = env.key(AccessKeyLimits.builder().budget(new Budget(25, BudgetPeriod.DAY)).build());
      env.ok(token);
      env.ok(token);
      env.ok(token); // 20 cents spent before it: still under 25
      RequestRejectedException e = env.refused(token);
      assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED);
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.retryAfter()).isNull();
      env.clock.advance(Duration.ofHours(14)); // 2026-11-23T00:00Z: a new day
      env.ok(token);
    }
  }

  /** DESIGN §3: a budget's cost is as for credits (fee plus catalog price), for user-key traffic too. */
  @Test
  void budget_withTheDefaultPricing_chargesTheFeeAndTheCatalogPrice_ofUserKeyTraffic() {
    try (Env env = new Env()) {
      // gpt-4o at 250 / 1,000 cents per million: 400k in + 100k out = 200 cents, plus the 2.5 cent fee
      env.upstream.forKey(SECRET).always(FakeUpstream.json(200,
          "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":400000,\"completion_tokens\":100000}}"));
      String token = env.key(AccessKeyLimits.builder().budget(new Budget(300, BudgetPeriod.TOTAL)).build());
      env.ok(token); // 202.5 cents spent: under 300
      env.ok(token); // admitted (under 300 when it started): 405 spent
      assertThat(env.refused(token).code()).isEqualTo(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED);
    }
  }

  @Test
  void budget_smallRequests_areNotRoundedAway() {
    try (Env env = new Env()) {
      // 3 + 2 tokens of gpt-4o: 750 + 2,000 + 25 (fee) micro-cents a request; a cent is spent after 361
      String token = env.key(AccessKeyLimits.builder().budget(new Budget(1, BudgetPeriod.TOTAL)).build());
      int served = 0;
      for (int i = 0; i < 400 && served == i; i++) {
        try (GatewayResponse r = env.call(token, BODY)) {
          assertThat(r.status()).isEqualTo(200);
          served++;
        } catch (RequestRejectedException e) {
          assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED);
        }
      }
      assertThat(served).isEqualTo(361);
    }
  }

  @Test
  void budget_aPricingThatThrows_costsNothingAndBreaksNoRequest() {
    UsagePricing broken = (provider, model, in, out) -> {
      throw new IllegalStateException("no prices");
    };
    try (Env env = new Env(Gateway.builder().usagePricing(broken))) {
      String token = env.key(AccessKeyLimits.builder().budget(new Budget(1, BudgetPeriod.MONTH)).build());
      env.ok(token);
      env.ok(token);
    }
  }

  @Test
  void limitsFromConfigurationJson_areEnforced() {
    try (Env env = new Env()) {
      AccessKeyConfiguration c = env.gateway.admin().configurations().create(ConfigurationJson.parseCreate(
          "{\"name\":\"json\",\"limits\":{\"requestsPerMinute\":2,\"tokensPerMinute\":200000,"
              + "\"concurrentRequests\":20,\"budget\":{\"amountCents\":5000,\"period\":\"month\"}}}"));
      String token = env.gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k")
          .configurationId(c.id()).build()).token();
      env.ok(token);
      env.ok(token);
      env.refused(token);
    }
  }
}
