package dev.aigateway.redis;

import dev.aigateway.spi.LimitCounters;
import dev.aigateway.testing.LimitCountersContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/** The Redis counters pass the {@code LimitCounters} conformance suite, on a real Redis. */
final class RedisLimitCountersContractTest extends LimitCountersContract {
  private static TestRedis redis;
  private RedisLimits limits;

  @Override
  protected LimitCounters newCounters() {
    if (redis == null) {
      redis = TestRedis.start();
    }
    limits = RedisLimits.fromUrl(redis.url);
    return limits.limitCounters();
  }

  @AfterEach
  void closeLimits() {
    if (limits != null) {
      limits.close();
    }
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
