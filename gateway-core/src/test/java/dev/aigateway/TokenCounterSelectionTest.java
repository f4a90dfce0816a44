package dev.aigateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.TokenCounter;
import dev.aigateway.spi.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which counter a gateway uses without {@code gateway-tokenizer} (core alone registers none), and that
 * {@code maxInputTokens} refuses with its estimate before any upstream call.
 */
final class TokenCounterSelectionTest {
  private static final Gateway.AccountSettings MAX_20 = new Gateway.AccountSettings(false, 5, 20L, null, null, null);
  /** 3 string values: "gpt-4o" (6 bytes, 2 tokens), "user" (1), and 100 bytes of content (25): 28 at 4 bytes. */
  private static final String LARGE = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
      + "many words".repeat(10) + "\"}]}";
  private static final String SMALL = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final AtomicInteger upstreamCalls = new AtomicInteger();
  private final Upstream upstream = request -> {
    upstreamCalls.incrementAndGet();
    throw new IllegalStateException("no upstream call is expected");
  };
  private Gateway gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private String build(Gateway.Builder builder) {
    gateway = builder.upstream(upstream).accountSettings(MAX_20).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine")
        .value("sk-test-0123456789").build());
    return gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
  }

  private RequestRejectedException refused(String token, String body) {
    return catchThrowableOfType(RequestRejectedException.class,
        () -> gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body)).close());
  }

  @Test
  void withoutATokenizer_theDefaultIsFourBytesAToken() {
    String token = build(Gateway.builder());
    assertThat(gateway.tokenCounter()).isSameAs(TokenCounter.fourBytesPerToken());
    RequestRejectedException e = refused(token, LARGE);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
    assertThat(e.getMessage()).isEqualTo("Input too large: 28 tokens (max 20).");
    assertThat(upstreamCalls).hasValue(0);
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, SMALL)).attempts()).isNotEmpty();
  }

  @Test
  void aCounterSetOnTheBuilder_isUsed() {
    TokenCounter oneEach = text -> 1;
    String token = build(Gateway.builder().tokenCounter(oneEach));
    assertThat(gateway.tokenCounter()).isSameAs(oneEach);
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, LARGE)).attempts())
        .as("3 tokens by this counter").isNotEmpty();
    TokenCounter tenEach = text -> 10;
    token = build(Gateway.builder().tokenCounter(tenEach));
    assertThat(refused(token, LARGE).getMessage()).isEqualTo("Input too large: 30 tokens (max 20).");
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void aCounterThatThrows_neitherFailsNorBypassesTheLimit() {
    String token = build(Gateway.builder().tokenCounter(text -> {
      throw new IllegalArgumentException("broken counter");
    }));
    assertThat(refused(token, LARGE).getMessage()).isEqualTo("Input too large: 28 tokens (max 20).");
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void tokensPerMinuteReservation_countsWithTheGatewaysCounter_notBodyBytes() {
    List<LimitDemand> demands = new CopyOnWriteArrayList<>();
    gateway = Gateway.builder().upstream(upstream).tokenCounter(text -> 10).limitCounters(demand -> {
      demands.add(demand);
      return LimitAdmission.refused(LimitAdmission.Refusal.TOKENS_PER_MINUTE, Duration.ofSeconds(7));
    }).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine")
        .value("sk-test-0123456789").build());
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"limited\",\"limits\":{\"tokensPerMinute\":100000}}")).id();
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(config).build())
        .token();
    RequestRejectedException e = refused(token, SMALL);
    assertThat(e.code()).isEqualTo(ErrorCode.ACCESS_KEY_RATE_LIMITED);
    assertThat(upstreamCalls).hasValue(0);
    // three string values at 10 tokens each (not the body's 62 bytes / 4), plus the default output reserve
    assertThat(demands).singleElement().extracting(LimitDemand::estimatedTokens).isEqualTo(30L + 1024);
  }

  /**
   * Regression: maxInputTokens counted a body's whole text; with o200k_base a hostile body of a few megabytes cost
   * seconds of CPU per request. The counter now sees a bounded sample; the rest is counted at its rate.
   */
  @Test
  void maxInputTokens_countsABoundedSample_ofAHugeBody() {
    java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
    String token = build(Gateway.builder().tokenCounter(text -> {
      counted.addAndGet(text.length());
      return (text.length() + 3) / 4;
    }));
    String huge = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "word ".repeat(400_000) + "\"}]}";
    RequestRejectedException e = refused(token, huge);
    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
    // 2,000,000 characters at 4 a token: the estimate still covers the whole text
    assertThat(e.getMessage()).matches("Input too large: 5000\\d\\d tokens \\(max 20\\)\\.");
    assertThat(counted.get()).as("characters given to the counter").isLessThanOrEqualTo(1 << 16);
    assertThat(upstreamCalls).hasValue(0);
  }
}
