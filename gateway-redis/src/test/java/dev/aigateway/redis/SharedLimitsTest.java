package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.config.BudgetPeriod;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsagePricing;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateway instances sharing one store and one real Redis, as three servers would: limits and
 * provider-requested waits hold across them exactly (QUALITY.md 24).
 */
final class SharedLimitsTest {
  private static final String SECRET = "sk-shared-aaaaaaaaaaaaaaaa";
  private static final String OK = "{\"id\":\"x\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  private TestRedis redis;
  private final KeyStore store = KeyStore.inMemory();
  private final FakeClock clock = FakeClock.create();
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private final List<RedisLimits> redisLimits = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();
  private final List<String> outages = new CopyOnWriteArrayList<>();
  /** Which of the three instances told that Redis answered again (one may see a second outage and recover twice). */
  private final java.util.Set<Integer> recoveredBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private ProviderKey providerKey;

  @BeforeEach
  void start() {
    redis = TestRedis.start();
    upstream.forKey(SECRET).always(FakeUpstream.json(200, OK));
  }

  @AfterEach
  void stop() {
    gateways.forEach(Gateway::close);
    redisLimits.forEach(RedisLimits::close);
    redis.close();
  }

  /** Three gateways on the shared store and Redis; real time for Redis, the fake clock for the engine. */
  private List<Gateway> three(RedisLimits.Builder settings, UsagePricing pricing) {
    for (int i = 0; i < 3; i++) {
      int instance = i;
      RedisLimits r = settings.url(redis.url).listener(new RedisListener() {
        @Override
        public void outage(String operation, OutagePolicy policy, Exception cause) {
          outages.add(operation);
        }

        @Override
        public void recovered() {
          recoveredBy.add(instance);
        }
      }).build();
      redisLimits.add(r);
      gateways.add(r.applyTo(Gateway.builder()).keyStore(store).clock(clock).upstream(upstream).usagePricing(pricing)
          .build());
    }
    providerKey = gateways.get(0).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
        .name("a").value(SECRET).build());
    return gateways;
  }

  private List<Gateway> three() {
    return three(RedisLimits.builder(), UsagePricing.unpriced());
  }

  private String key(AccessKeyLimits limits) {
    AccessKeyConfiguration c = gateways.get(0).admin().configurations().create(AccessKeyConfiguration.builder()
        .name("shared").limits(limits).build());
    return gateways.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("k").configurationId(c.id())
        .build()).token();
  }

  private static GatewayResponse call(Gateway g, String token) {
    return g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY));
  }

  @Test
  void requestsPerMinute_acrossThreeInstances_admitsExactlyN_withConcurrentClients() throws Exception {
    List<Gateway> gs = three();
    int n = 50;
    String token = key(AccessKeyLimits.builder().requestsPerMinute(n).build());
    // all requests must land in one minute of Redis's clock: wait out a minute's last seconds
    long second = java.time.Instant.now().getEpochSecond() % 60;
    if (second >= 50) {
      Thread.sleep((61 - second) * 1000);
    }
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(9);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      Gateway g = gs.get(t % 3);
      fs.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 15; i++) {
          try (GatewayResponse r = call(g, token)) {
            assertThat(r.status()).isEqualTo(200);
            admitted.incrementAndGet();
          } catch (RequestRejectedException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
            assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
            refused.incrementAndGet();
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(admitted.get()).isEqualTo(n);
    assertThat(refused.get()).isEqualTo(135 - n);
    assertThat(upstream.requests()).hasSize(n);
  }

  @Test
  void concurrentRequests_holdAcrossInstances_andFinishingFreesTheSlotForAnother() throws Exception {
    List<Gateway> gs = three();
    String token = key(AccessKeyLimits.builder().concurrentRequests(2).build());
    upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n", "data: [DONE]\n\n"));
    GatewayResponse a = call(gs.get(0), token);
    GatewayResponse b = call(gs.get(1), token);
    assertThatThrownBy(() -> call(gs.get(2), token)).isInstanceOfSatisfying(RequestRejectedException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED));
    assertThatThrownBy(() -> call(gs.get(0), token)).isInstanceOf(RequestRejectedException.class);
    drain(a); // ended on instance 0: its slot is free for instance 2
    call(gs.get(2), token).close();
    b.close();
    a.close();
    assertThat(redisLimits.stream().mapToInt(RedisLimits::leasesHeld).sum()).isZero();
  }

  @Test
  void aRetryAfterLearnedByOneInstance_isHonouredByTheOthers_withoutAnUpstreamCall() {
    List<Gateway> gs = three();
    String token = gs.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("free").build()).token();
    upstream.forKey(SECRET).always(FakeUpstream.reply(429).header("retry-after", "30"));
    assertThatThrownBy(() -> call(gs.get(0), token)).isInstanceOf(FailoverExhaustedException.class);
    assertThat(upstream.requests()).hasSize(1);
    for (Gateway other : List.of(gs.get(1), gs.get(2))) {
      assertThatThrownBy(() -> call(other, token)).isInstanceOfSatisfying(FailoverExhaustedException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(25), Duration.ofSeconds(30));
      });
    }
    assertThat(upstream.requests()).as("the other instances never called the resting key").hasSize(1);
    assertThat(gs.get(2).cooldowns().requestedUntilNanos(providerKey.id())).isNotZero();
    // clearing the wait ends it in Redis too: the instance is not held back by the shared copy
    gs.get(0).cooldowns().clear(providerKey.id());
    upstream.forKey(SECRET).always(FakeUpstream.json(200, OK));
    call(gs.get(0), token).close();
    assertThat(upstream.requests()).hasSize(2);
  }

  @Test
  void aBudget_stopsAllThreeInstances() {
    UsagePricing tenCents = (provider, model, in, out) -> 10_000_000; // 10 cents
    List<Gateway> gs = three(RedisLimits.builder(), tenCents);
    String token = key(AccessKeyLimits.builder().budget(new Budget(30, BudgetPeriod.DAY)).build());
    call(gs.get(0), token).close();
    call(gs.get(1), token).close();
    call(gs.get(2), token).close();
    for (Gateway g : gs) {
      assertThatThrownBy(() -> call(g, token)).isInstanceOfSatisfying(RequestRejectedException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED);
        assertThat(e.status()).isEqualTo(403);
      });
    }
    assertThat(upstream.requests()).hasSize(3);
  }

  @Test
  void tokensPerMinute_areSharedAndSettledWithTheRealUsage() {
    List<Gateway> gs = three();
    String token = key(AccessKeyLimits.builder().tokensPerMinute(1000).build());
    upstream.forKey(SECRET).always(FakeUpstream.json(200, "{\"usage\":{\"prompt_tokens\":700,\"completion_tokens\":400}}"));
    String small = "{\"model\":\"gpt-4o\",\"max_tokens\":5,\"messages\":[]}";
    gs.get(0).handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, small)).close(); // used 1,100 of 1,000
    assertThatThrownBy(() -> gs.get(1).handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, small)))
        .isInstanceOfSatisfying(RequestRejectedException.class,
            e -> assertThat(e.getMessage()).contains("tokensPerMinute"));
  }

  @Test
  void anInstanceKilledMidRequest_freesItsSlotWhenTheLeaseExpires() throws Exception {
    List<Gateway> gs = three(RedisLimits.builder().leaseTime(Duration.ofMillis(600)), UsagePricing.unpriced());
    String token = key(AccessKeyLimits.builder().concurrentRequests(1).build());
    upstream.forKey(SECRET).always(FakeUpstream.sse(200, "data: 1\n\n", "data: 2\n\n"));
    GatewayResponse orphan = call(gs.get(0), token);
    // the renewer keeps a live stream's lease: after several lease times it still holds the slot
    Thread.sleep(1500);
    assertThatThrownBy(() -> call(gs.get(1), token)).isInstanceOf(RequestRejectedException.class);
    // "kill" instance 0: its renewer stops and the stream is never finished
    redisLimits.get(0).close();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    GatewayResponse next = null;
    while (next == null && System.nanoTime() < deadline) {
      try {
        next = call(gs.get(1), token);
      } catch (RequestRejectedException e) {
        Thread.sleep(50);
      }
    }
    assertThat(next).as("the slot came back by lease expiry").isNotNull();
    next.close();
    assertThat(orphan).isNotNull();
  }

  /**
   * Nine clients send requests through the three gateways while Redis is stopped and started again; answers
   * each outcome's count by code ({@code ok} for served). Every request must answer within 2 s.
   */
  private java.util.Map<String, Integer> trafficThroughAnOutage(List<Gateway> gs, String token) throws Exception {
    java.util.concurrent.ConcurrentHashMap<String, Integer> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicInteger slow = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(9);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      Gateway g = gs.get(t % 3);
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 100_000 && !stop.get(); i++) {
          long t0 = System.nanoTime();
          String outcome;
          try (GatewayResponse r = call(g, token)) {
            outcome = r.status() == 200 ? "ok" : "status " + r.status();
          } catch (RequestRejectedException e) {
            outcome = e.code().code();
          }
          if (System.nanoTime() - t0 > Duration.ofSeconds(2).toNanos()) {
            slow.incrementAndGet();
          }
          outcomes.merge(outcome, 1, Integer::sum);
          Thread.sleep(2);
        }
        return null;
      }));
    }
    Thread.sleep(300);
    redis.stop();
    Thread.sleep(1500);
    int duringOutage = outcomes.values().stream().mapToInt(Integer::intValue).sum();
    redis.restart();
    // traffic goes on until the counters answer again (the listener says recovered), bounded
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (recoveredBy.size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(300);
    stop.set(true);
    for (Future<?> f : fs) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(slow.get()).as("no request hung").isZero();
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(duringOutage);
    assertThat(recoveredBy).as("every instance saw Redis come back").containsExactlyInAnyOrder(0, 1, 2);
    return outcomes;
  }

  @Test
  void redisStoppedAndRestartedDuringTraffic_failOpen_admitsWithAnOutageEvent_thenCountsAgain() throws Exception {
    assumeTrue(redis.embedded(), "needs the embedded Redis to stop and restart it");
    List<Gateway> gs = three(RedisLimits.builder().timeout(Duration.ofMillis(100)).outagePolicy(OutagePolicy.FAIL_OPEN),
        UsagePricing.unpriced());
    String token = key(AccessKeyLimits.builder().requestsPerMinute(1_000_000).concurrentRequests(50).build());
    java.util.Map<String, Integer> outcomes = trafficThroughAnOutage(gs, token);
    assertThat(outcomes.keySet()).as("fail open: every request served").containsOnly("ok");
    assertThat(outages).contains("admit");
    // counting again: a limit of 1 per minute on a new key refuses its second request
    String tight = key(AccessKeyLimits.builder().requestsPerMinute(1).build());
    call(gs.get(0), tight).close();
    assertThatThrownBy(() -> call(gs.get(1), tight)).isInstanceOf(RequestRejectedException.class);
  }

  @Test
  void redisStoppedAndRestartedDuringTraffic_failClosed_refusesWith503_thenAdmitsAgain() throws Exception {
    assumeTrue(redis.embedded(), "needs the embedded Redis to stop and restart it");
    List<Gateway> gs = three(RedisLimits.builder().timeout(Duration.ofMillis(100))
        .outagePolicy(OutagePolicy.FAIL_CLOSED), UsagePricing.unpriced());
    String token = key(AccessKeyLimits.builder().requestsPerMinute(1_000_000).build());
    java.util.Map<String, Integer> outcomes = trafficThroughAnOutage(gs, token);
    assertThat(outcomes.keySet()).containsOnly("ok", "limits_unavailable");
    assertThat(outcomes.get("limits_unavailable")).isPositive();
    assertThat(outcomes.get("ok")).as("no upstream call for a refused request")
        .isEqualTo(upstream.requests().size());
    redis.stop();
    assertThatThrownBy(() -> call(gs.get(0), token)).isInstanceOfSatisfying(RequestRejectedException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.LIMITS_UNAVAILABLE);
      assertThat(e.status()).isEqualTo(503);
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    });
    redis.restart();
    awaitAdmitted(gs.get(2), token).close();
  }

  @Test
  void aKeyWithoutLimits_neverTouchesRedis_evenWhenItIsDown() {
    assumeTrue(redis.embedded(), "needs the embedded Redis to stop it");
    List<Gateway> gs = three(RedisLimits.builder().outagePolicy(OutagePolicy.FAIL_CLOSED), UsagePricing.unpriced());
    String token = gs.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("free").build()).token();
    redis.stop();
    call(gs.get(1), token).close(); // shared cooldown lookups fail open
    assertThat(outages).doesNotContain("admit");
  }

  private static GatewayResponse awaitAdmitted(Gateway g, String token) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        return call(g, token);
      } catch (RequestRejectedException e) {
        last = e;
        Thread.sleep(50);
      }
    }
    throw new AssertionError("not admitted after Redis came back", last);
  }

  private static void drain(GatewayResponse r) throws IOException {
    try (InputStream in = r.body()) {
      in.readAllBytes();
    }
  }
}
