package dev.aigateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.config.BudgetPeriod;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.LimitPermit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link LimitCounters} implementations: extend it, answer fresh counters from
 * {@link #newCounters()}, and the same checks run against yours as against the built-in ones. Each test
 * uses its own access key id, so counters may be shared between tests.
 *
 * <p>Minutes may come from the implementation's own clock (a shared store's), so each test first waits
 * until it is at least five seconds before the end of a wall-clock minute.
 */
public abstract class LimitCountersContract {
  private LimitCounters counters = LimitCounters.inProcess();

  protected LimitCountersContract() {}
  private String key = "aigk_contract";

  /** New counters, or counters that hold nothing for access key ids never seen before. */
  protected abstract LimitCounters newCounters();

  @BeforeEach
  void setUpCounters() throws InterruptedException {
    counters = Objects.requireNonNull(newCounters(), "newCounters()");
    key = "aigk_" + UUID.randomUUID().toString().replace("-", "");
    long second = Instant.now().getEpochSecond() % 60;
    if (second >= 55) {
      Thread.sleep((61 - second) * 1000);
    }
  }

  private LimitAdmission admit(AccessKeyLimits limits, long tokens) {
    return counters.admit(new LimitDemand(key, limits, tokens, Instant.now()));
  }

  private static LimitPermit permit(LimitAdmission a) {
    assertThat(a.isAdmitted()).as("admitted: %s", a).isTrue();
    return Objects.requireNonNull(a.permit());
  }

  @Test
  void requestsPerMinute_admitsExactlyTheLimit_thenRefusesUntilTheMinuteEnds() {
    AccessKeyLimits l = AccessKeyLimits.builder().requestsPerMinute(3).build();
    for (int i = 0; i < 3; i++) {
      permit(admit(l, 0)).finish(-1, 0);
    }
    LimitAdmission refused = admit(l, 0);
    assertThat(refused.isAdmitted()).isFalse();
    assertThat(refused.refusal()).isEqualTo(LimitAdmission.Refusal.REQUESTS_PER_MINUTE);
    assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void concurrentRequests_holdUntilFinished() {
    AccessKeyLimits l = AccessKeyLimits.builder().concurrentRequests(2).build();
    LimitPermit a = permit(admit(l, 0));
    LimitPermit b = permit(admit(l, 0));
    LimitAdmission refused = admit(l, 0);
    assertThat(refused.refusal()).isEqualTo(LimitAdmission.Refusal.CONCURRENT_REQUESTS);
    assertThat(refused.retryAfter()).isPositive();
    a.finish(0, 0);
    permit(admit(l, 0)).finish(0, 0);
    b.finish(0, 0);
  }

  @Test
  void tokensPerMinute_reservesTheEstimate_andTheRealUsageSettlesIt() {
    AccessKeyLimits l = AccessKeyLimits.builder().tokensPerMinute(1000).build();
    LimitPermit first = permit(admit(l, 800));
    assertThat(admit(l, 300).refusal()).isEqualTo(LimitAdmission.Refusal.TOKENS_PER_MINUTE);
    first.finish(100, 0); // used far less than reserved: the rest comes back
    LimitPermit second = permit(admit(l, 850));
    second.finish(2000, 0); // used more than the whole minute
    assertThat(admit(l, 1).refusal()).isEqualTo(LimitAdmission.Refusal.TOKENS_PER_MINUTE);
  }

  @Test
  void tokensPerMinute_anEstimateOverTheLimit_isAdmittedIntoAnEmptyMinuteOnly() {
    AccessKeyLimits l = AccessKeyLimits.builder().tokensPerMinute(100).build();
    LimitPermit big = permit(admit(l, 10_000));
    assertThat(admit(l, 1).refusal()).isEqualTo(LimitAdmission.Refusal.TOKENS_PER_MINUTE);
    big.finish(-1, 0);
  }

  @Test
  void budget_refusesOnceTheChargedCostReachesIt() {
    AccessKeyLimits l = AccessKeyLimits.builder().budget(new Budget(25, BudgetPeriod.DAY)).build();
    permit(admit(l, 0)).finish(-1, 10_000_000); // 10 cents, in micro-cents
    permit(admit(l, 0)).finish(-1, 10_000_000);
    permit(admit(l, 0)).finish(-1, 10_000_000);
    LimitAdmission refused = admit(l, 0);
    assertThat(refused.refusal()).isEqualTo(LimitAdmission.Refusal.BUDGET);
  }

  @Test
  void budget_countsFractionsOfACent() {
    AccessKeyLimits l = AccessKeyLimits.builder().budget(new Budget(1, BudgetPeriod.TOTAL)).build();
    for (int i = 0; i < 999; i++) {
      permit(admit(l, 0)).finish(-1, 1_000); // a thousandth of a cent each
    }
    permit(admit(l, 0)).finish(-1, 999); // 999,999 micro-cents: still under one cent
    permit(admit(l, 0)).finish(-1, 1);
    assertThat(admit(l, 0).refusal()).isEqualTo(LimitAdmission.Refusal.BUDGET);
  }

  @Test
  void aRefusal_takesNothingFromTheOtherLimits() {
    AccessKeyLimits l = AccessKeyLimits.builder().concurrentRequests(1).requestsPerMinute(2).build();
    LimitPermit held = permit(admit(l, 0));
    for (int i = 0; i < 5; i++) {
      assertThat(admit(l, 0).refusal()).isEqualTo(LimitAdmission.Refusal.CONCURRENT_REQUESTS);
    }
    held.finish(0, 0);
    permit(admit(l, 0)).finish(0, 0); // the second request of the minute: the refusals counted none
    assertThat(admit(l, 0).refusal()).isEqualTo(LimitAdmission.Refusal.REQUESTS_PER_MINUTE);
  }

  @Test
  void countsArePerAccessKey() {
    AccessKeyLimits l = AccessKeyLimits.builder().requestsPerMinute(1).build();
    permit(admit(l, 0)).finish(0, 0);
    assertThat(admit(l, 0).isAdmitted()).isFalse();
    LimitAdmission other = counters.admit(new LimitDemand(key + "_other", l, 0, Instant.now()));
    permit(other).finish(0, 0);
  }

  @Test
  void concurrentAdmissions_admitExactlyTheLimit() throws Exception {
    AccessKeyLimits l = AccessKeyLimits.builder().requestsPerMinute(40).concurrentRequests(1000).build();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      fs.add(pool.submit(() -> {
        go.await();
        for (int i = 0; i < 20; i++) {
          LimitPermit p = admit(l, 0).permit();
          if (p != null) {
            admitted.incrementAndGet();
            p.finish(0, 0);
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
    assertThat(admitted.get()).isEqualTo(40);
  }
}
