package dev.aigateway.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.TokenCounter;
import dev.aigateway.spi.Upstream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway given {@code O200kTokenCounter} counts with {@code o200k_base}, and {@code maxInputTokens} refuses
 * with that count before any upstream call; one given nothing keeps the rough default even with this artifact
 * on the class path (nothing is picked up by itself).
 */
final class TokenizerPickupTest {
  private static final Gateway.AccountSettings MAX_100 = new Gateway.AccountSettings(false, 5, 100L, null, null,
      null);
  private static final String CONTENT = "many words ".repeat(50);
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + CONTENT
      + "\"}]}";

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
    gateway = builder.upstream(upstream).accountSettings(MAX_100).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine")
        .value("sk-test-0123456789").build());
    return gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
  }

  private RequestRejectedException refused(String token, String body) {
    return catchThrowableOfType(RequestRejectedException.class,
        () -> gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body)).close());
  }

  private static long o200k(String... values) {
    long n = 0;
    for (String v : values) {
      n += O200kTokenCounter.create().count(v);
    }
    return n;
  }

  @Test
  void aGatewayGivenTheTokenizer_refusesByItsCount() {
    String token = build(Gateway.builder().tokenCounter(O200kTokenCounter.create()));
    assertThat(gateway.tokenCounter()).isInstanceOf(O200kTokenCounter.class);
    long expected = o200k("gpt-4o", "user", CONTENT);
    assertThat(expected).as("over the limit by o200k_base").isGreaterThan(100);
    RequestRejectedException e = refused(token, BODY);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
    assertThat(e.getMessage()).isEqualTo("Input too large: " + expected + " tokens (max 100).");
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void aBodyUnderTheLimitByO200k_isPlanned_thoughFourBytesATokenWouldRefuseIt() {
    String content = "many words ".repeat(30); // 330 bytes: 83 tokens at four bytes a token
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    long exact = o200k("gpt-4o", "user", content);
    long rough = TokenCounter.fourBytesPerToken().count("gpt-4o") + TokenCounter.fourBytesPerToken().count("user")
        + TokenCounter.fourBytesPerToken().count(content);
    gateway = Gateway.builder().tokenCounter(O200kTokenCounter.create())
        .accountSettings(new Gateway.AccountSettings(false, 5, rough - 1, null, null, null)).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine")
        .value("sk-test-0123456789").build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    assertThat(exact).isLessThan(rough - 1);
    assertThat(gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body)).attempts()).isNotEmpty();
  }

  @Test
  void aGatewayGivenNothing_keepsTheDefault_evenWithTheTokenizerOnTheClassPath() {
    String token = build(Gateway.builder());
    assertThat(gateway.tokenCounter()).isSameAs(TokenCounter.fourBytesPerToken());
    long rough = TokenCounter.fourBytesPerToken().count("gpt-4o") + TokenCounter.fourBytesPerToken().count("user")
        + TokenCounter.fourBytesPerToken().count(CONTENT);
    assertThat(rough).isNotEqualTo(o200k("gpt-4o", "user", CONTENT));
    assertThat(refused(token, BODY).getMessage()).isEqualTo("Input too large: " + rough + " tokens (max 100).");
    assertThat(upstreamCalls).hasValue(0);
  }
}
