package dev.aigateway.internal.limit;

import dev.aigateway.ErrorCode;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.internal.json.Usage;
import dev.aigateway.internal.plan.CompiledConfiguration;
import dev.aigateway.internal.plan.RoutingState;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.LimitPermit;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a request against its access key's limits before its first upstream attempt, and hands back a
 * {@link Held} permit that is finished once, whoever ends the request (the attempt loop, a stream's end,
 * break or close, on any thread).
 */
public final class KeyLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(KeyLimiter.class);

  private final LimitCounters counters;
  private final BudgetCost cost;
  private final Clock clock;
  private final TokenEstimate estimate;

  public KeyLimiter(LimitCounters counters, BudgetCost cost, Clock clock, TokenEstimate estimate) {
    this.counters = counters;
    this.cost = cost;
    this.clock = clock;
    this.estimate = estimate;
  }

  /**
   * Admits the request of {@code plan}, or throws {@link RequestRejectedException}
   * ({@code access_key_rate_limited} with a Retry-After, {@code access_key_budget_exceeded}, or
   * {@code limits_unavailable}). A key whose configuration has no limits asks no counter.
   */
  public Held admit(RoutePlan plan, RoutingState state, byte[] body) {
    String configurationId = plan.configurationId();
    if (configurationId == null) {
      return Held.NONE;
    }
    CompiledConfiguration c = state.configuration(configurationId);
    AccessKeyLimits limits = c == null ? null : c.source().limits();
    if (limits == null || limits.isEmpty()) {
      return Held.NONE;
    }
    long tokens = limits.tokensPerMinute() == null ? 0 : estimate.of(body);
    LimitAdmission admission;
    try {
      admission = counters.admit(new LimitDemand(plan.accessKeyId(), limits, tokens, clock.now()));
    } catch (RuntimeException e) {
      LOG.warn("LimitCounters.admit threw; request {} is refused as limits_unavailable", plan.requestId(), e);
      admission = LimitAdmission.refused(LimitAdmission.Refusal.UNAVAILABLE, Duration.ofSeconds(1));
    }
    LimitPermit permit = admission.permit();
    if (permit != null) {
      return new Held(permit, cost);
    }
    throw refusal(plan, limits, admission);
  }

  private static RequestRejectedException refusal(RoutePlan plan, AccessKeyLimits limits, LimitAdmission a) {
    LimitAdmission.Refusal r = a.refusal();
    // a budget of period "total" never renews: its wait is unbounded, and Duration.toMillis would overflow
    Duration wait = a.retryAfter();
    long seconds = wait.getSeconds() >= Integer.MAX_VALUE ? Integer.MAX_VALUE
        : Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
    Duration retryAfter = Duration.ofSeconds(seconds);
    String key = plan.accessKeyId();
    if (r == LimitAdmission.Refusal.BUDGET) {
      return new RequestRejectedException(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED, "Access key " + key
          + " has spent its budget for this " + (limits.budget() == null ? "period" : limits.budget().period().json())
          + ".", plan.requestId(), plan.rejected(), null);
    }
    if (r == null || r == LimitAdmission.Refusal.UNAVAILABLE) {
      return new RequestRejectedException(ErrorCode.LIMITS_UNAVAILABLE, "The access key limits cannot be checked"
          + " now; retry after " + seconds + " s.", plan.requestId(), plan.rejected(), retryAfter);
    }
    Object value = switch (r) {
      case REQUESTS_PER_MINUTE -> limits.requestsPerMinute();
      case TOKENS_PER_MINUTE -> limits.tokensPerMinute();
      default -> limits.concurrentRequests();
    };
    return new RequestRejectedException(ErrorCode.ACCESS_KEY_RATE_LIMITED, "Access key " + key + " is over its "
        + r.field() + " limit (" + value + "); retry after " + seconds + " s.", plan.requestId(), plan.rejected(),
        retryAfter);
  }

  /** An admitted request's permit; finishing it twice, from any threads, finishes it once. */
  public static final class Held {
    /** Nothing held: the key has no limits. */
    public static final Held NONE = new Held(LimitPermit.NONE, new BudgetCost((p, m, i, o) -> 0));

    private final LimitPermit permit;
    private final BudgetCost cost;
    private final AtomicBoolean finished = new AtomicBoolean();

    Held(LimitPermit permit, BudgetCost cost) {
      this.permit = permit;
      this.cost = cost;
    }

    /**
     * A response was served by {@code model} at {@code provider}: the reported usage settles the tokens and
     * is charged to the budget; {@link Usage#NONE} (none reported) leaves the reservation as the count.
     */
    public void served(String provider, String model, Usage usage) {
      if (this == NONE || !finished.compareAndSet(false, true)) {
        return;
      }
      if (usage == Usage.NONE) {
        finish(-1, 0);
      } else {
        finish(usage.input + usage.output, cost.microCents(provider, model, usage.input, usage.output));
      }
    }

    /** No provider served the request: nothing was used. */
    public void unserved() {
      if (this == NONE || !finished.compareAndSet(false, true)) {
        return;
      }
      finish(0, 0);
    }

    private void finish(long tokens, long cents) {
      try {
        permit.finish(tokens, cents);
      } catch (RuntimeException e) {
        LOG.warn("LimitPermit.finish threw; ignored", e);
      }
    }
  }
}
