package dev.aigateway.redis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One pool of connections, every call bounded by the timeout; scripts run by digest and are loaded again
 * after a Redis restart. Tracks outages so a warning is logged once per outage, not per request, and for
 * {@link #PROBE_INTERVAL} after a failure answers at once without calling Redis (one call per interval
 * probes whether it is back), so a Redis that hangs costs a request at most one timeout per interval, not
 * one each.
 */
final class RedisConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

  private final JedisPooled jedis;
  private final String description;
  private final RedisListener listener;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong failures = new AtomicLong();
  /** After a failure, calls fail fast until this {@link System#nanoTime()}; then one call probes. */
  private final AtomicLong skipUntil = new AtomicLong(System.nanoTime());

  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  RedisConnection(URI uri, Duration timeout, int maxConnections, RedisListener listener) {
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis).blockingSocketTimeoutMillis(millis).ssl("rediss".equals(uri.getScheme()));
    String info = uri.getUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      if (colon > 0) {
        config.user(info.substring(0, colon));
      }
      config.password(colon >= 0 ? info.substring(colon + 1) : info);
    }
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        config.database(Integer.parseInt(path.substring(1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the database in a redis URL must be a number", e);
      }
    }
    JedisClientConfig built = config.build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(maxConnections);
    pool.setMaxIdle(maxConnections);
    pool.setMaxWait(timeout);
    pool.setBlockWhenExhausted(true);
    pool.setJmxEnabled(false);
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    this.jedis = new JedisPooled(pool, new HostAndPort(uri.getHost(), port), built);
    this.description = uri.getScheme() + "://" + uri.getHost() + ":" + port; // never the password
    this.listener = listener;
  }

  /** Runs {@code script} by digest (loading it when Redis does not know it); throws on any failure. */
  Object eval(Script script, List<String> keys, List<String> args) {
    if (down.get()) {
      long until = skipUntil.get();
      long now = System.nanoTime();
      if (now - until < 0 || !skipUntil.compareAndSet(until, now + PROBE_INTERVAL.toNanos())) {
        throw new RedisUnavailableException(); // another call probes meanwhile
      }
    }
    Object result;
    try {
      try {
        result = jedis.evalsha(script.sha, keys, args);
      } catch (JedisNoScriptException e) {
        result = jedis.eval(script.text, keys, args);
      }
    } catch (RuntimeException e) {
      failed();
      throw e;
    }
    succeeded();
    return result;
  }

  /** Any Redis failure: logged once per outage (and at debug after), told to the listener by the caller. */
  void failed() {
    failures.incrementAndGet();
    skipUntil.set(System.nanoTime() + PROBE_INTERVAL.toNanos());
    if (down.compareAndSet(false, true)) {
      LOG.warn("Redis at {} cannot be reached; limits follow their outage policy until it answers", description);
    }
  }

  private void succeeded() {
    if (down.get() && down.compareAndSet(true, false)) {
      LOG.warn("Redis at {} answers again", description);
      try {
        listener.recovered();
      } catch (RuntimeException e) {
        LOG.warn("RedisListener.recovered threw; ignored", e);
      }
    }
  }

  void tell(String operation, OutagePolicy policy, Exception cause) {
    LOG.debug("Redis {} failed: {}", operation, cause.toString());
    try {
      listener.outage(operation, policy, cause);
    } catch (RuntimeException e) {
      LOG.warn("RedisListener.outage threw; ignored", e);
    }
  }

  @Override
  public void close() {
    jedis.close();
  }

  @Override
  public String toString() {
    return description;
  }

  /** Thrown without calling Redis while an outage is being waited out. */
  static final class RedisUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisUnavailableException() {
      super("Redis is unavailable; the next probe is within " + PROBE_INTERVAL.toMillis() + " ms", null, false, false);
    }
  }

  /** A Lua script and its SHA-1 digest. */
  static final class Script {
    final String text;
    final String sha;

    Script(String text) {
      this.text = text;
      try {
        this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
