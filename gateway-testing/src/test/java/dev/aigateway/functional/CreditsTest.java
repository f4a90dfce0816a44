package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.tokens.TokenEstimator;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import dev.aigateway.tokenizer.O200kTokenCounter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §3 credits: off until enforced; when on, refused at a balance of zero or less before any upstream
 * call, each served request charged the processing fee (exact, in micro-cents) plus the catalog price when a
 * managed credential served it; token counts from the provider's usage, else estimated; and the
 * {@code /gateway-config} input token limit.
 */
final class CreditsTest {
  private static final String OK = "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String MANAGED = "managed-openai-secret-0123456789";
  private static final String USER = "sk-user-openai-0123456789";

  private final FakeClock clock = FakeClock.create();
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private Gateway gateway;
  private String token;

  private CreditLedger build(CreditLedger ledger, Gateway.AccountSettings settings, boolean userKey) {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).creditLedger(ledger)
        .tokenCounter(O200kTokenCounter.create())
        .accountSettings(settings)
        .credentialResolver(CredentialResolver.storeValues().withManaged("openai", SecretValue.of(MANAGED))).build();
    if (userKey) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine").value(USER)
          .build());
    }
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    return ledger;
  }

  private static Gateway.AccountSettings enforced() {
    return Gateway.AccountSettings.defaults().withCreditsEnforced(true);
  }

  @AfterEach
  void tearDown() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private GatewayResponse chat(String body) {
    return gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
  }

  private RequestRejectedException refused(String body) {
    return catchThrowableOfType(RequestRejectedException.class, () -> chat(body).close());
  }

  @Test
  void aFreshInstall_neverRefuses_andChargesNothing() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k").value(USER).build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    assertThat(gateway.accountSettings().creditsEnforced()).isFalse();
    assertThat(gateway.creditLedger().balanceCents()).isZero();
    for (int i = 0; i < 3; i++) {
      chat(GPT).close();
    }
    assertThat(upstream.requests()).hasSize(3);
    assertThat(gateway.creditLedger().balanceMicroCents()).isZero();
    assertThat(gateway.creditLedger().transactions(null, 10).items()).isEmpty();
  }

  @Test
  void enforced_aBalanceOfZero_isRefusedBeforeAnyUpstreamCall() {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), true);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    RequestRejectedException e = refused(GPT);
    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_CREDITS);
    assertThat(e.status()).isEqualTo(403);
    assertThat(upstream.requests()).isEmpty();
    ledger.grant(1, null);
    chat(GPT).close();
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void eachServedRequest_isChargedTheProcessingFee_exactlyInMicroCents() {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), true);
    ledger.grant(2, "two cents");
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat(GPT).close();
    // 12 + 5 tokens at 5 cents per million tokens: 85 micro-cents, nothing rounded away
    assertThat(ledger.balanceMicroCents()).isEqualTo(2_000_000 - 85);
    assertThat(ledger.balanceCents()).isEqualTo(1);
    chat(GPT).close();
    assertThat(ledger.balanceMicroCents()).isEqualTo(2_000_000 - 170);
    CreditTransaction usage = ledger.transactions(null, 10).items().get(0);
    assertThat(usage.type()).isEqualTo(CreditTransaction.Type.USAGE);
    assertThat(usage.requests()).isEqualTo(2);
    assertThat(usage.inputTokens()).isEqualTo(24);
    assertThat(usage.outputTokens()).isEqualTo(10);
    assertThat(usage.amountMicroCents()).isEqualTo(-170);
  }

  @Test
  void belowOneWholeCent_furtherRequestsAreRefused() {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), true);
    ledger.grant(1, null);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat(GPT).close();
    assertThat(ledger.balanceMicroCents()).isEqualTo(1_000_000 - 85);
    assertThat(refused(GPT).code()).isEqualTo(ErrorCode.INSUFFICIENT_CREDITS);
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void theFee_followsTheSettings() {
    CreditLedger ledger = build(CreditLedger.inMemory(),
        new Gateway.AccountSettings(true, 100, null, null, null, null), true);
    ledger.grant(2, null);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat(GPT).close();
    assertThat(ledger.balanceMicroCents()).isEqualTo(2_000_000 - 17 * 100);
    gateway.updateAccountSettings(new Gateway.AccountSettings(true, 0, null, null, null, null));
    chat(GPT).close();
    assertThat(ledger.balanceMicroCents()).as("a fee of zero").isEqualTo(2_000_000 - 17 * 100);
  }

  @Test
  void aManagedCredential_isAlsoChargedTheModelsCatalogPrice() {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), false);
    ledger.grant(100, null);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat(GPT).close();
    assertThat(upstream.requestsFor(MANAGED)).hasSize(1);
    // gpt-4o: 250 cents per million input and 1,000 per million output tokens; plus the 85 micro-cent fee
    assertThat(ledger.balanceMicroCents()).isEqualTo(100_000_000 - (12 * 250 + 5 * 1_000) - 85);
  }

  @Test
  void withoutUsage_theTokensAreEstimated() {
    TestUpstreams.RecordingLedger ledger = (TestUpstreams.RecordingLedger) build(new TestUpstreams.RecordingLedger(),
        enforced(), true);
    String answer = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello there, how can I help?\"}}]}";
    upstream.otherwise().always(FakeUpstream.json(200, answer));
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello to everyone here\"}]}";
    chat(body).close();
    assertThat(gateway.tokenCounter()).as("given to the builder").isInstanceOf(O200kTokenCounter.class);
    byte[] req = body.getBytes(StandardCharsets.UTF_8);
    byte[] res = answer.getBytes(StandardCharsets.UTF_8);
    TokenEstimator o200k = new TokenEstimator(O200kTokenCounter.create());
    assertThat(ledger.billed).singleElement().satisfies(c -> {
      assertThat(c.inputTokens()).isEqualTo(o200k.jsonText(req, 0, req.length)).isGreaterThan(4);
      assertThat(c.outputTokens()).isEqualTo(o200k.jsonText(res, 0, res.length)).isGreaterThan(6);
      assertThat(c.feeMicroCents()).isEqualTo(5 * (c.inputTokens() + c.outputTokens()));
      assertThat(c.managed()).isFalse();
      assertThat(c.priceMicroCents()).isZero();
    });
  }

  @Test
  void aStream_isChargedFromItsUsageEvent() throws Exception {
    TestUpstreams.RecordingLedger ledger = (TestUpstreams.RecordingLedger) build(new TestUpstreams.RecordingLedger(),
        enforced(), true);
    upstream.otherwise().always(FakeUpstream.sse(200, "data: {\"a\":1}\n\n",
        "data: {\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40}}\n\n", "data: [DONE]\n\n"));
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}")) {
      assertThat(ledger.billed).as("nothing before the end").isEmpty();
      r.body().readAllBytes();
    }
    assertThat(ledger.billed).singleElement().satisfies(c -> {
      assertThat(c.inputTokens()).isEqualTo(30);
      assertThat(c.outputTokens()).isEqualTo(40);
      assertThat(c.feeMicroCents()).isEqualTo(350);
    });
  }

  @Test
  void aStreamTheClientClosesEarly_isStillCharged_byEstimate() throws Exception {
    TestUpstreams.RecordingLedger ledger = (TestUpstreams.RecordingLedger) build(new TestUpstreams.RecordingLedger(),
        enforced(), true);
    upstream.otherwise().always(FakeUpstream.sse(200, "data: {\"delta\":\"" + "x".repeat(400) + "\"}\n\n",
        "data: {\"delta\":\"more\"}\n\n", "data: {\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":40}}\n\n"));
    try (GatewayResponse r = chat("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}")) {
      InputStream in = r.body();
      assertThat(in.read(new byte[64])).isPositive();
    }
    assertThat(ledger.billed).singleElement().satisfies(c -> {
      assertThat(c.outputTokens()).as("at least the bytes served, at four bytes a token").isGreaterThanOrEqualTo(16);
      assertThat(c.feeMicroCents()).isEqualTo(5 * (c.inputTokens() + c.outputTokens()));
    });
  }

  @Test
  void maxInputTokens_refusesLargeInputs_beforeAnyUpstreamCall() {
    build(CreditLedger.inMemory(), new Gateway.AccountSettings(false, 5, 20L, null, null, null), true);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    RequestRejectedException e = refused("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "many words ".repeat(50) + "\"}]}");
    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.getMessage()).startsWith("Input too large: ").endsWith(" tokens (max 20).");
    assertThat(upstream.requests()).isEmpty();
    chat(GPT).close();
    assertThat(upstream.requests()).hasSize(1);
  }

  @Test
  void concurrentRequests_loseNoCharge() throws Exception {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), true);
    ledger.grant(1_000, null);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    int threads = 8;
    int each = 100;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            chat(GPT).close();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ledger.balanceMicroCents()).isEqualTo(1_000_000_000L - 85L * threads * each);
  }

  @Test
  void aRuleWithAManagedStep_isChargedThePrice_aUserStepOnlyTheFee() {
    CreditLedger ledger = build(CreditLedger.inMemory(), enforced(), true);
    ledger.grant(100, null);
    String configId = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"m\","
        + "\"router\":{\"rules\":[{\"model\":\"openai:gpt-4o-mini\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")).id();
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(configId).build()).token();
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat("{\"model\":\"gpt-4o-mini\",\"messages\":[]}").close(); // managed: 12 * 15 + 5 * 60 + fee
    assertThat(ledger.balanceMicroCents()).isEqualTo(100_000_000 - (12 * 15 + 5 * 60) - 85);
    chat(GPT).close(); // default routing: the user key first, fee only
    assertThat(upstream.requestsFor(USER)).hasSize(1);
    assertThat(ledger.balanceMicroCents()).isEqualTo(100_000_000 - (12 * 15 + 5 * 60) - 170);
  }
}
