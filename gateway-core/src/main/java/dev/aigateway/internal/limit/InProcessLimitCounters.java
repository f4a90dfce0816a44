package dev.aigateway.internal.limit;

import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.LimitPermit;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link LimitCounters#inProcess()}: per access key, one small state under its own lock. Requests and
 * tokens are counted per calendar minute of the demand's time (a fixed window: exact counts, with a burst
 * of up to twice the limit possible across a minute's edge); the budget per period. One entry per access
 * key that ever ran under a limit.
 */
public final class InProcessLimitCounters implements LimitCounters {
  /** A concurrency refusal cannot know when a slot frees: the client is asked to retry in a second. */
  static final Duration CONCURRENCY_RETRY = Duration.ofSeconds(1);

  private static final class KeyState {
    long minute = Long.MIN_VALUE;
    long requests;
    long tokens;
    int inFlight;
    @Nullable String budgetPeriod;
    long spentMicroCents;
  }

  private final ConcurrentHashMap<String, KeyState> keys = new ConcurrentHashMap<>();

  @Override
  public LimitAdmission admit(LimitDemand d) {
    KeyState s = keys.computeIfAbsent(d.accessKeyId(), k -> new KeyState());
    AccessKeyLimits l = d.limits();
    Instant now = d.now();
    long minute = Math.floorDiv(now.getEpochSecond(), 60);
    Duration untilNextMinute = Duration.between(now, Instant.ofEpochSecond((minute + 1) * 60));
    Budget budget = l.budget();
    String period = budget == null ? null : budget.period().periodId(now);
    synchronized (s) {
      if (s.minute != minute) {
        s.minute = minute;
        s.requests = 0;
        s.tokens = 0;
      }
      if (period != null && !period.equals(s.budgetPeriod)) {
        s.budgetPeriod = period;
        s.spentMicroCents = 0;
      }
      Integer concurrent = l.concurrentRequests();
      if (concurrent != null && s.inFlight >= concurrent) {
        return LimitAdmission.refused(LimitAdmission.Refusal.CONCURRENT_REQUESTS, CONCURRENCY_RETRY);
      }
      Integer rpm = l.requestsPerMinute();
      if (rpm != null && s.requests >= rpm) {
        return LimitAdmission.refused(LimitAdmission.Refusal.REQUESTS_PER_MINUTE, untilNextMinute);
      }
      Long tpm = l.tokensPerMinute();
      long reserve = tpm == null ? 0 : Math.min(d.estimatedTokens(), tpm);
      if (tpm != null && s.tokens + reserve > tpm) {
        return LimitAdmission.refused(LimitAdmission.Refusal.TOKENS_PER_MINUTE, untilNextMinute);
      }
      if (budget != null && s.spentMicroCents >= Math.multiplyExact(budget.amountCents(), 1_000_000L)) {
        return LimitAdmission.refused(LimitAdmission.Refusal.BUDGET,
            Duration.between(now, budget.period().end(now).isAfter(now) ? budget.period().end(now) : now));
      }
      s.requests++;
      s.tokens += reserve;
      if (concurrent != null) {
        s.inFlight++;
      }
      return LimitAdmission.admitted(new Permit(s, minute, reserve, tpm != null, concurrent != null, period));
    }
  }

  private static final class Permit implements LimitPermit {
    private final KeyState s;
    private final long minute;
    private final long reserved;
    private final boolean tokens;
    private final boolean slot;
    private final @Nullable String period;

    Permit(KeyState s, long minute, long reserved, boolean tokens, boolean slot, @Nullable String period) {
      this.s = s;
      this.minute = minute;
      this.reserved = reserved;
      this.tokens = tokens;
      this.slot = slot;
      this.period = period;
    }

    @Override
    public void finish(long usedTokens, long costMicroCents) {
      synchronized (s) {
        if (slot) {
          s.inFlight = Math.max(0, s.inFlight - 1);
        }
        if (tokens && usedTokens >= 0) {
          long diff = usedTokens - reserved;
          if (s.minute == minute) {
            s.tokens = Math.max(0, s.tokens + diff);
          } else if (diff > 0) {
            s.tokens += diff; // an excess reported after its minute counts against the latest one
          }
        }
        if (period != null && costMicroCents > 0 && period.equals(s.budgetPeriod)) {
          s.spentMicroCents = saturatedAdd(s.spentMicroCents, costMicroCents);
        }
      }
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "LimitCounters.inProcess()";
  }
}
