package dev.aigateway.benchmarks;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.jdbc.JdbcKeyStore;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.CredentialResolver;
import java.util.Locale;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PlanBenchmark}'s {@code plan()} with the PostgreSQL store: the same configuration, keys and 1 KB body,
 * with the resources in a {@code JdbcKeyStore} (a fresh schema per run). The key is cached, so no statement
 * runs per plan. The server comes from {@code -Daigateway.bench.jdbcUrl=jdbc:postgresql://...} (passed on to
 * the fork with {@code -jvmArgs}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JdbcPlanBenchmark {
  private JdbcKeyStore store;
  private Gateway gateway;
  private GatewayRequest request;

  @Setup
  public void setUp() {
    String url = System.getProperty("aigateway.bench.jdbcUrl");
    if (url == null) {
      throw new IllegalStateException("set -Daigateway.bench.jdbcUrl=jdbc:postgresql://HOST:PORT/DB?user=U");
    }
    store = JdbcKeyStore.builder().jdbcUrl(url)
        .schema(String.format(Locale.ROOT, "bench_%x", System.nanoTime()))
        .masterKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").build();
    gateway = Gateway.builder()
        .keyStore(store)
        .credentialResolver(CredentialResolver.storeValues().withManaged("openai", SecretValue.of("managed-secret")))
        .build();
    String primary = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
        .name("primary").value("sk-primary-0123456789abcdef").build()).id();
    String backup = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
        .name("backup").value("sk-backup-0123456789abcdef").build()).id();
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"bench\","
        + "\"access\":{\"providers\":{\"allow\":[\"openai\",\"anthropic\"]},\"models\":{\"allow\":[\"openai/gpt-4o\","
        + "\"anthropic/claude-sonnet-4-6\"]}},\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":"
        + "\"user\",\"keys\":[{\"id\":\"" + primary + "\"},{\"id\":\"" + backup + "\"}]},{\"type\":\"ngrok\"}]}]}}"))
        .id();
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("bench").configurationId(config)
        .build()).token();
    request = GatewayRequest.builder()
        .surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .body(PlanBenchmark.chatBody(1024))
        .build();
    RoutePlan warm = gateway.plan(request);
    if (warm.attempts().size() != 3) {
      throw new IllegalStateException("unexpected plan: " + warm.explain());
    }
  }

  @TearDown
  public void tearDown() {
    gateway.close();
    store.close();
  }

  @Benchmark
  public RoutePlan plan() {
    return gateway.plan(request);
  }
}
