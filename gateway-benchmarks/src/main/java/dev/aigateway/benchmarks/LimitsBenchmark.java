package dev.aigateway.benchmarks;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Headers;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.redis.RedisLimits;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.embedded.RedisServer;

/**
 * What per-key limits add to {@code gateway.handle()} against an in-memory upstream: {@code none} (a key
 * without limits), {@code inProcess} (the default counters) and {@code redis} (the shared counters on a
 * loopback Redis: one admission script and one finish script per request). The key has every limit but a
 * budget, set so high that none refuses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LimitsBenchmark {
  private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
      + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}").getBytes(StandardCharsets.UTF_8);
  private static final Headers ANSWER_HEADERS = Headers.of("Content-Type", "application/json");

  @Param({"none", "inProcess", "redis"})
  public String counters = "none";

  private Gateway gateway;
  private GatewayRequest request;
  private @Nullable RedisServer server;
  private @Nullable RedisLimits redis;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Gateway.Builder b = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(r -> new UpstreamCall() {
      @Override
      public UpstreamResponse execute() {
        return new UpstreamResponse() {
          private final InputStream body = new ByteArrayInputStream(ANSWER);

          @Override
          public int status() {
            return 200;
          }

          @Override
          public Headers headers() {
            return ANSWER_HEADERS;
          }

          @Override
          public InputStream body() {
            return body;
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public void cancel() {}
    });
    if (counters.equals("redis")) {
      String url = System.getenv("AIGATEWAY_BENCH_REDIS_URL");
      if (url == null || url.isBlank()) {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          port = s.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        server.start();
        url = "redis://127.0.0.1:" + port;
      }
      RedisLimits shared = RedisLimits.fromUrl(url);
      redis = shared;
      shared.applyTo(b);
    }
    gateway = b.build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-bench-0123456789abcdef").build());
    AccessKeyChange.Builder key = AccessKeyChange.builder().name("bench");
    if (!counters.equals("none")) {
      key.configurationId(gateway.admin().configurations().create(AccessKeyConfiguration.builder().name("limited")
          .limits(AccessKeyLimits.builder().requestsPerMinute(Integer.MAX_VALUE).tokensPerMinute(1_000_000_000_000L)
              .concurrentRequests(1000).build()).build()).id());
    }
    String token = gateway.admin().accessKeys().create(key.build()).token();
    request = GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").body(PlanBenchmark.chatBody(1024)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    gateway.close();
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Benchmark
  public int handle() {
    try (GatewayResponse r = gateway.handle(request)) {
      return r.status();
    }
  }
}
