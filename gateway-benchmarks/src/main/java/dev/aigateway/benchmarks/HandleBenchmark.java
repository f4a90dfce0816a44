package dev.aigateway.benchmarks;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Headers;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code gateway.handle()} (plan, then execute) against an in-memory upstream that answers a canned 200 at
 * once: the whole engine path of one request with no network, a 1 KB chat body and a model rewrite
 * ({@code openai/gpt-4o} goes upstream as {@code gpt-4o}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandleBenchmark {
  private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
      + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}").getBytes(StandardCharsets.UTF_8);
  private static final Headers ANSWER_HEADERS = Headers.of("Content-Type", "application/json");

  private Gateway gateway;
  private GatewayRequest request;

  @Setup
  public void setUp() {
    gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())
        .upstream(r -> new UpstreamCall() {
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
        })
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-bench-0123456789abcdef").build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("bench").build()).token();
    byte[] body = new String(PlanBenchmark.chatBody(1024), StandardCharsets.UTF_8)
        .replace("\"gpt-4o\"", "\"openai/gpt-4o\"").getBytes(StandardCharsets.UTF_8);
    request = GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").body(body).build();
  }

  @Benchmark
  public int handle() {
    try (GatewayResponse r = gateway.handle(request)) {
      return r.status();
    }
  }
}
