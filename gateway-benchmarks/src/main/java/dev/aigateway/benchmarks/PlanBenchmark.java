package dev.aigateway.benchmarks;

import dev.aigateway.config.ConfigurationJson;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
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
 * {@code gateway.plan()} with a cached access key, a configuration with a provider rule (two user keys
 * and a managed step) and a 1 KB chat body: the hot path before any network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanBenchmark {
  private Gateway gateway;
  private GatewayRequest request;
  private byte[] body;

  @Setup
  public void setUp() {
    gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())
        .credentialResolver(CredentialResolver.storeValues().withManaged("openai", SecretValue.of("managed-secret")))
        .build();
    String primary = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
        .name("primary").value("sk-primary-0123456789abcdef").build()).id();
    String backup = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
        .name("backup").value("sk-backup-0123456789abcdef").build()).id();
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"bench\",\"access\":{\"providers\":{\"allow\":"
        + "[\"openai\",\"anthropic\"]},\"models\":{\"allow\":[\"openai/gpt-4o\",\"anthropic/claude-sonnet-4-6\"]}},"
        + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + primary
        + "\"},{\"id\":\"" + backup + "\"}]},{\"type\":\"ngrok\"}]}]}}")).id();
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("bench").configurationId(config)
        .build()).token();
    request = GatewayRequest.builder()
        .surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .body(chatBody(1024))
        .build();
    body = request.body();
    RoutePlan warm = gateway.plan(request);
    if (warm.attempts().size() != 3) {
      throw new IllegalStateException("unexpected plan: " + warm.explain());
    }
  }

  /** A realistic chat body of about {@code size} bytes: model first, a system and a user message. */
  static byte[] chatBody(int size) {
    String head = "{\"model\":\"gpt-4o\",\"temperature\":0.2,\"messages\":[{\"role\":\"system\",\"content\":"
        + "\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":\"";
    String tail = "\"}],\"max_tokens\":256}";
    StringBuilder sb = new StringBuilder(head);
    String words = "The quick brown fox jumps over the lazy dog. ";
    while (sb.length() + tail.length() < size) {
      sb.append(words, 0, Math.min(words.length(), size - tail.length() - sb.length()));
    }
    sb.append(tail);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public RoutePlan plan() {
    return gateway.plan(request);
  }

  /** The authentication part alone: token format and checksum, cache lookup, digest comparison. */
  @Benchmark
  public Object authenticate() {
    return gateway.authenticate(request.accessToken());
  }

  /** The body-scan part alone: the validating scan for model, models and stream. */
  @Benchmark
  public Object scanBody() {
    byte[] body = this.body;
    return BodyScanner.scan(body, 0, body.length);
  }
}
