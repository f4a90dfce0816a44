package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The "Shared limits on Redis" snippet of docs/redis.md, run against a real Redis. */
final class RedisLimitsExampleTest {

  @Test
  void aGatewayOnRedis_enforcesItsKeysLimits() {
    try (TestRedis testRedis = TestRedis.start()) {
      String redisUrl = testRedis.url;
      FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
      upstream.otherwise().always(FakeUpstream.json(200, "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"));
      KeyStore store = KeyStore.inMemory();
      // --8<-- [start:redis-limits]
      RedisLimits redis = RedisLimits.builder()
          .url(redisUrl)                              // redis://HOST:PORT[/DB]
          .timeout(Duration.ofMillis(250))            // the bound on every Redis call
          .leaseTime(Duration.ofSeconds(30))          // a crashed instance frees its slots within this
          .outagePolicy(OutagePolicy.FAIL_OPEN)       // or FAIL_CLOSED: 503 limits_unavailable
          .build();
      Gateway gateway = redis.applyTo(Gateway.builder())  // limitCounters + sharedCooldowns
          .keyStore(store)
          .upstream(upstream)
          .build();
      // --8<-- [end:redis-limits]
      try (redis; gateway) {
        gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
            .value("sk-example-0123456789").build());
        String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
            "{\"name\":\"limited\",\"limits\":{\"requestsPerMinute\":1}}")).id();
        String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k")
            .configurationId(config).build()).token();
        GatewayRequest request = GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}");
        assertThat(gateway.handle(request).status()).isEqualTo(200);
        assertThatThrownBy(() -> gateway.handle(request)).isInstanceOfSatisfying(RequestRejectedException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED));
      }
    }
  }

  @Test
  void theUrlsPassword_neverAppearsInToString() {
    try (RedisLimits r = RedisLimits.builder().url("redis://:hunter2-secret-pass@127.0.0.1:1/2").build()) {
      assertThat(r.toString()).doesNotContain("hunter2").contains("127.0.0.1:1");
      assertThat(r.limitCounters().toString()).doesNotContain("hunter2");
      assertThat(r.sharedCooldowns().toString()).doesNotContain("hunter2");
    }
  }

  @Test
  void badSettings_failFastNamingTheSetting() {
    assertThatThrownBy(() -> RedisLimits.builder().url("http://127.0.0.1:6379"))
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisLimits.builder().timeout(Duration.ZERO)).hasMessageStartingWith("timeout");
    assertThatThrownBy(() -> RedisLimits.builder().leaseTime(Duration.ofMillis(10))).hasMessageStartingWith("leaseTime");
    assertThatThrownBy(() -> RedisLimits.builder().keyPrefix("a{b}")).hasMessageStartingWith("keyPrefix");
  }
}
