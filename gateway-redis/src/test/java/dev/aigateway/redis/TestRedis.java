package dev.aigateway.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;
import redis.embedded.RedisServer;
import redis.clients.jedis.JedisPooled;

/**
 * A real Redis for tests: embedded-redis on a free loopback port, or the one {@code AIGATEWAY_TEST_REDIS_URL}
 * names ({@code redis://127.0.0.1:6379}; tests that stop and restart Redis need the embedded one).
 */
public final class TestRedis implements AutoCloseable {
  private final @Nullable RedisServer server;
  private final int port;
  final String url;

  /** The server's {@code redis://} URL. */
  public String url() {
    return url;
  }

  private TestRedis(@Nullable RedisServer server, int port, String url) {
    this.server = server;
    this.port = port;
    this.url = url;
  }

  public static TestRedis start() {
    String external = System.getenv("AIGATEWAY_TEST_REDIS_URL");
    if (external != null && !external.isBlank()) {
      TestRedis r = new TestRedis(null, -1, external);
      r.flush();
      return r;
    }
    int port = freePort();
    try {
      RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
          .setting("appendonly no").build();
      server.start();
      return new TestRedis(server, port, "redis://127.0.0.1:" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean embedded() {
    return server != null;
  }

  void stop() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the embedded server again on the same port, empty. */
  void restart() {
    try {
      if (server != null) {
        server.start();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void flush() {
    try (JedisPooled j = new JedisPooled(java.net.URI.create(url))) {
      j.flushDB();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "TestRedis[" + url + (port > 0 ? ", embedded" : "") + "]";
  }
}
