package dev.aigateway.redis;

import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.LimitPermit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LimitCounters} on Redis. Per access key, under one hash tag ({@code aigw:{aigk_...}}): a sorted
 * set of concurrency leases scored by expiry, a request and a token counter per minute of Redis's own clock
 * ({@code TIME}: one clock for every instance), and a budget counter per period. Admission is one script
 * (check everything, then take everything, atomically); finishing is one more.
 */
final class RedisLimitCounters implements LimitCounters, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimitCounters.class);

  /** Minute counters outlive their minute by one, so a late settlement still finds its own. */
  static final RedisConnection.Script ADMIT = new RedisConnection.Script("""
      local base = KEYS[1]
      local rpm = tonumber(ARGV[1]); local tpm = tonumber(ARGV[2]); local conc = tonumber(ARGV[3])
      local budget = tonumber(ARGV[4]); local period = ARGV[5]; local est = tonumber(ARGV[6])
      local lease = ARGV[7]; local leaseMs = tonumber(ARGV[8])
      local t = redis.call('TIME')
      local sec = tonumber(t[1]); local nowMs = sec * 1000 + math.floor(tonumber(t[2]) / 1000)
      local minute = math.floor(sec / 60)
      local untilNext = (minute + 1) * 60000 - nowMs
      local ckey = base .. ':c'
      if conc > 0 then
        redis.call('ZREMRANGEBYSCORE', ckey, '-inf', nowMs)
        if redis.call('ZCARD', ckey) >= conc then return {0, 'c', 1000} end
      end
      local rkey = base .. ':r:' .. minute
      if rpm > 0 and tonumber(redis.call('GET', rkey) or '0') >= rpm then return {0, 'r', untilNext} end
      local tkey = base .. ':t:' .. minute
      local reserve = 0
      if tpm > 0 then
        reserve = math.min(est, tpm)
        if tonumber(redis.call('GET', tkey) or '0') + reserve > tpm then return {0, 't', untilNext} end
      end
      local bkey = base .. ':b:' .. period
      if budget > 0 and tonumber(redis.call('GET', bkey) or '0') >= budget then return {0, 'b', 0} end
      if rpm > 0 then redis.call('INCR', rkey); redis.call('PEXPIRE', rkey, 120000) end
      if tpm > 0 then redis.call('INCRBY', tkey, reserve); redis.call('PEXPIRE', tkey, 120000) end
      if conc > 0 then
        redis.call('ZADD', ckey, nowMs + leaseMs, lease); redis.call('PEXPIRE', ckey, leaseMs * 2)
      end
      return {1, tostring(minute), reserve}
      """);

  static final RedisConnection.Script FINISH = new RedisConnection.Script("""
      local base = KEYS[1]
      if ARGV[1] ~= '' then redis.call('ZREM', base .. ':c', ARGV[1]) end
      local used = tonumber(ARGV[4]); local reserve = tonumber(ARGV[3]); local rmin = ARGV[2]
      if used >= 0 and rmin ~= '' then
        local minute = tostring(math.floor(tonumber(redis.call('TIME')[1]) / 60))
        local diff = used - reserve
        if minute == rmin then
          local tkey = base .. ':t:' .. rmin
          if redis.call('EXISTS', tkey) == 1 and redis.call('INCRBY', tkey, diff) < 0 then
            redis.call('SET', tkey, 0, 'KEEPTTL')
          end
        elseif diff > 0 then
          local tkey = base .. ':t:' .. minute
          redis.call('INCRBY', tkey, diff); redis.call('PEXPIRE', tkey, 120000)
        end
      end
      local cost = tonumber(ARGV[5])
      if cost > 0 and ARGV[6] ~= '' then
        local bkey = base .. ':b:' .. ARGV[6]
        redis.call('INCRBY', bkey, cost)
        local ttl = tonumber(ARGV[7])
        if ttl > 0 then redis.call('PEXPIRE', bkey, ttl) end
      end
      return 1
      """);

  static final RedisConnection.Script RENEW = new RedisConnection.Script("""
      local t = redis.call('TIME')
      local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
        redis.call('ZADD', KEYS[1], 'XX', nowMs + tonumber(ARGV[2]), ARGV[1])
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
        return 1
      end
      return 0
      """);

  private final RedisConnection redis;
  private final String prefix;
  private final Duration leaseTime;
  private final OutagePolicy policy;
  /** Live leases of this instance: lease id to its set's key, renewed until finished. */
  private final Map<String, String> leases = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewer;

  RedisLimitCounters(RedisConnection redis, String prefix, Duration leaseTime, OutagePolicy policy) {
    this.redis = redis;
    this.prefix = prefix;
    this.leaseTime = leaseTime;
    this.policy = policy;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-redis-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(100, leaseTime.toMillis() / 3);
    java.util.concurrent.ScheduledFuture<?> unused =
        renewer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  private String base(String accessKeyId) {
    return prefix + "{" + accessKeyId + "}";
  }

  @Override
  public LimitAdmission admit(LimitDemand d) {
    AccessKeyLimits l = d.limits();
    Budget budget = l.budget();
    Instant now = d.now();
    String period = budget == null ? "" : budget.period().periodId(now);
    boolean slot = l.concurrentRequests() != null;
    String lease = slot ? UUID.randomUUID().toString() : "";
    String base = base(d.accessKeyId());
    Object reply;
    try {
      reply = redis.eval(ADMIT, List.of(base), List.of(str(l.requestsPerMinute()), str(l.tokensPerMinute()),
          str(l.concurrentRequests()), budget == null ? "0" : Long.toString(Math.multiplyExact(budget.amountCents(), 1_000_000L)), period,
          Long.toString(d.estimatedTokens()), lease, Long.toString(leaseTime.toMillis())));
    } catch (RuntimeException e) {
      redis.tell("admit", policy, e);
      if (policy == OutagePolicy.FAIL_CLOSED) {
        return LimitAdmission.refused(LimitAdmission.Refusal.UNAVAILABLE, Duration.ofSeconds(1));
      }
      return LimitAdmission.admitted(LimitPermit.NONE);
    }
    List<?> r = (List<?>) reply;
    if (((Long) r.get(0)) == 0) {
      String which = text(r.get(1));
      Duration wait = Duration.ofMillis((Long) r.get(2));
      LimitAdmission.Refusal refusal = switch (which) {
        case "c" -> LimitAdmission.Refusal.CONCURRENT_REQUESTS;
        case "r" -> LimitAdmission.Refusal.REQUESTS_PER_MINUTE;
        case "t" -> LimitAdmission.Refusal.TOKENS_PER_MINUTE;
        default -> LimitAdmission.Refusal.BUDGET;
      };
      return LimitAdmission.refused(refusal, wait);
    }
    String minute = text(r.get(1));
    long reserved = (Long) r.get(2);
    if (slot) {
      leases.put(lease, base + ":c");
    }
    long budgetTtl = 0;
    if (budget != null) {
      Instant end = budget.period().end(now);
      budgetTtl = end.equals(Instant.MAX) ? 0 : Duration.between(now, end).toMillis() + Duration.ofDays(1).toMillis();
    }
    return LimitAdmission.admitted(new Permit(base, lease, minute, reserved, l.tokensPerMinute() != null, period,
        budgetTtl));
  }

  private final class Permit implements LimitPermit {
    private final String base;
    private final String lease;
    private final String minute;
    private final long reserved;
    private final boolean tokens;
    private final String period;
    private final long budgetTtl;

    Permit(String base, String lease, String minute, long reserved, boolean tokens, String period, long budgetTtl) {
      this.base = base;
      this.lease = lease;
      this.minute = minute;
      this.reserved = reserved;
      this.tokens = tokens;
      this.period = period;
      this.budgetTtl = budgetTtl;
    }

    @Override
    public void finish(long usedTokens, long costMicroCents) {
      if (!lease.isEmpty()) {
        leases.remove(lease);
      }
      try {
        redis.eval(FINISH, List.of(base), List.of(lease, tokens ? minute : "", Long.toString(reserved),
            Long.toString(tokens ? usedTokens : -1), Long.toString(costMicroCents), period, Long.toString(budgetTtl)));
      } catch (RuntimeException e) {
        // the lease expires by itself; the token settlement and the cost of this request are lost
        LOG.warn("Redis finish failed; the slot frees when its lease expires: {}", e.toString());
        redis.tell("finish", policy, e);
      }
    }
  }

  private void renewAll() {
    for (Map.Entry<String, String> e : List.copyOf(leases.entrySet())) { // a snapshot: entries leave meanwhile
      try {
        Object kept = redis.eval(RENEW, List.of(e.getValue()), List.of(e.getKey(), Long.toString(leaseTime.toMillis())));
        if (Long.valueOf(0).equals(kept)) {
          LOG.debug("lease {} had already expired; no longer renewed", e.getKey());
          leases.remove(e.getKey(), e.getValue());
        }
      } catch (RuntimeException ex) {
        redis.tell("renew", policy, ex);
        return; // Redis is away: try again next round
      }
    }
  }

  int leasesHeld() {
    return leases.size();
  }

  private static String str(@Nullable Number n) {
    return n == null ? "0" : n.toString();
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
  }

  @Override
  public void close() {
    renewer.shutdownNow();
  }

  @Override
  public String toString() {
    return "RedisLimitCounters[" + redis + "]";
  }
}
