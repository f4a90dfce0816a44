package dev.aigateway.redis;

import dev.aigateway.Gateway;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.SharedCooldowns;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-access-key limits and provider-requested key cooldowns shared through one Redis: every gateway
 * instance built with the same Redis counts against the same {@code requestsPerMinute},
 * {@code tokensPerMinute}, {@code concurrentRequests} and {@code budget}, exactly (each check is one atomic
 * server-side script), and none calls a key another was told to rest.
 *
 * <pre>{@code
 * RedisLimits redis = RedisLimits.builder().url("redis://127.0.0.1:6379").build();
 * Gateway gateway = redis.applyTo(Gateway.builder()).upstream(upstream).build();
 * }</pre>
 *
 * <p>Concurrency slots are leases of {@link Builder#leaseTime} (default 30 s), renewed by one background
 * thread while the request runs, so a crashed instance holds a slot for at most one lease time. Every
 * Redis call is bounded by {@link Builder#timeout} (default 250 ms); while Redis cannot be reached,
 * {@link Builder#outagePolicy} decides (default {@link OutagePolicy#FAIL_OPEN}).
 *
 * <p>Thread-safe. {@link #close()} stops the renewer and closes the connections.
 */
public final class RedisLimits implements AutoCloseable {
  private final RedisConnection connection;
  private final RedisLimitCounters counters;
  private final RedisCooldowns cooldowns;

  private RedisLimits(Builder b) {
    this.connection = new RedisConnection(b.uri, b.timeout, b.maxConnections, b.listener);
    this.counters = new RedisLimitCounters(connection, b.keyPrefix, b.leaseTime, b.outagePolicy);
    this.cooldowns = new RedisCooldowns(connection, b.keyPrefix);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with {@code url} ({@code redis://HOST:PORT[/DB]}) and every other setting at its default. */
  public static RedisLimits fromUrl(String url) {
    return builder().url(url).build();
  }

  /** The counters for {@link Gateway.Builder#limitCounters}. */
  public LimitCounters limitCounters() {
    return counters;
  }

  /** The cooldowns for {@link Gateway.Builder#sharedCooldowns}. */
  public SharedCooldowns sharedCooldowns() {
    return cooldowns;
  }

  /** Sets both on {@code builder}; answers it. */
  public Gateway.Builder applyTo(Gateway.Builder builder) {
    return Objects.requireNonNull(builder, "builder").limitCounters(counters).sharedCooldowns(cooldowns);
  }

  /** Concurrency leases held by this instance now (requests admitted and not yet finished). */
  public int leasesHeld() {
    return counters.leasesHeld();
  }

  @Override
  public void close() {
    counters.close();
    connection.close();
  }

  @Override
  public String toString() {
    return "RedisLimits[" + connection + "]";
  }

  /** Builder; {@link #build()} connects lazily (the first request opens a connection). */
  public static final class Builder {
    private URI uri = URI.create("redis://127.0.0.1:6379");
    private Duration timeout = Duration.ofMillis(250);
    private Duration leaseTime = Duration.ofSeconds(30);
    private OutagePolicy outagePolicy = OutagePolicy.FAIL_OPEN;
    private RedisListener listener = RedisListener.NONE;
    private String keyPrefix = "aigw:";
    private int maxConnections = 64;

    private Builder() {}

    /** {@code redis://[:PASSWORD@]HOST:PORT[/DB]} or {@code rediss://...} (TLS); default {@code redis://127.0.0.1:6379}. */
    public Builder url(String url) {
      Objects.requireNonNull(url, "url");
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("url is not a redis:// URL", e);
      }
      if ((!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("url must be redis://HOST:PORT[/DB] or rediss://...; the scheme was "
            + u.getScheme());
      }
      this.uri = u;
      return this;
    }

    /** The bound on every Redis call (connect, command, waiting for a pooled connection); default 250 ms. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > 60_000) {
        throw new IllegalArgumentException("timeout must be from 1 ms to 60 s but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How long a concurrency slot survives without renewal; default 30 s. The renewer extends live leases
     * every third of it; a crashed instance's slots free within one lease time.
     */
    public Builder leaseTime(Duration leaseTime) {
      Objects.requireNonNull(leaseTime, "leaseTime");
      if (leaseTime.toMillis() < 300) {
        throw new IllegalArgumentException("leaseTime must be >= 300 ms but was " + leaseTime);
      }
      this.leaseTime = leaseTime;
      return this;
    }

    /** What to do while Redis cannot be reached; default {@link OutagePolicy#FAIL_OPEN}. */
    public Builder outagePolicy(OutagePolicy outagePolicy) {
      this.outagePolicy = Objects.requireNonNull(outagePolicy, "outagePolicy");
      return this;
    }

    /** Told of outages and recoveries; default {@link RedisListener#NONE}. */
    public Builder listener(RedisListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Prefix of every key written; default {@code aigw:}. Gateways that share counters share it. */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.length() > 64 || keyPrefix.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '{' || c == '}')) {
        throw new IllegalArgumentException("keyPrefix must be at most 64 printable characters without braces");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /** Most pooled connections; default 64. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be > 0 but was " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    public RedisLimits build() {
      return new RedisLimits(this);
    }
  }
}
