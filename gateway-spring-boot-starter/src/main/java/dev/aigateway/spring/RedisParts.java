package dev.aigateway.spring;

import dev.aigateway.Gateway;
import dev.aigateway.redis.RedisLimits;

/**
 * The parts of {@code aigateway.redis.url}. Only this class names {@code gateway-redis}'s types, and the
 * auto-configuration calls it only after checking that the module is on the class path.
 */
final class RedisParts {
  static final String LIMITS_CLASS = "dev.aigateway.redis.RedisLimits";

  private RedisParts() {}

  /** Connects lazily: a Redis that is down at start does not stop the application (the outage policy decides). */
  static AutoCloseable open(String url) {
    try {
      return RedisLimits.fromUrl(url);
    } catch (IllegalArgumentException e) {
      // neither the URL nor the parser's exception (which repeats it) is passed on: it may carry a password
      throw new IllegalStateException("aigateway.redis.url: " + e.getMessage());
    }
  }

  /** Shares per-key limits, budgets and cooldowns through {@code bean} when it is the module's. */
  static boolean applyTo(Object bean, Gateway.Builder builder) {
    if (bean instanceof RedisLimits limits) {
      limits.applyTo(builder);
      return true;
    }
    return false;
  }
}
