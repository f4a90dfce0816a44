/**
 * Shared counters on Redis: {@link dev.aigateway.redis.RedisLimits} builds the {@code LimitCounters} and
 * {@code SharedCooldowns} a {@code Gateway} uses, on one Redis that every instance shares.
 */
@NullMarked
package dev.aigateway.redis;

import org.jspecify.annotations.NullMarked;
