package dev.aigateway.redis;

import dev.aigateway.spi.SharedCooldowns;
import java.time.Duration;
import java.util.List;

/**
 * {@link SharedCooldowns} on Redis: one key per credential ({@code aigw:cd:<provider key id>}) that expires
 * when the wait ends; a longer wait is never shortened. A failure answers "no wait" (the provider then says
 * 429 again), whatever the outage policy, since calling a key early costs one refused call, not a limit.
 */
final class RedisCooldowns implements SharedCooldowns {
  static final RedisConnection.Script HONOUR = new RedisConnection.Script("""
      if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
      end
      return 1
      """);
  static final RedisConnection.Script REMAINING = new RedisConnection.Script("return redis.call('PTTL', KEYS[1])");
  static final RedisConnection.Script CLEAR = new RedisConnection.Script("return redis.call('DEL', KEYS[1])");

  private final RedisConnection redis;
  private final String prefix;

  RedisCooldowns(RedisConnection redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix + "cd:";
  }

  @Override
  public void honour(String credentialKey, Duration wait) {
    long ms = Math.max(1, Math.min(wait.toMillis(), Duration.ofDays(30).toMillis()));
    try {
      redis.eval(HONOUR, List.of(prefix + credentialKey), List.of(Long.toString(ms)));
    } catch (RuntimeException e) {
      redis.tell("cooldown.honour", OutagePolicy.FAIL_OPEN, e);
    }
  }

  @Override
  public Duration remaining(String credentialKey) {
    try {
      Object ttl = redis.eval(REMAINING, List.of(prefix + credentialKey), List.of());
      long ms = ttl instanceof Long l ? l : -2;
      return ms > 0 ? Duration.ofMillis(ms) : Duration.ZERO;
    } catch (RuntimeException e) {
      redis.tell("cooldown.remaining", OutagePolicy.FAIL_OPEN, e);
      return Duration.ZERO;
    }
  }

  @Override
  public void clear(String credentialKey) {
    try {
      redis.eval(CLEAR, List.of(prefix + credentialKey), List.of());
    } catch (RuntimeException e) {
      redis.tell("cooldown.clear", OutagePolicy.FAIL_OPEN, e);
    }
  }

  @Override
  public String toString() {
    return "RedisCooldowns[" + redis + "]";
  }
}
