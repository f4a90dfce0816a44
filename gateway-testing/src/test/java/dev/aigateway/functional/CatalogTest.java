package dev.aigateway.functional;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.ModelPrice;
import dev.aigateway.catalog.Provider;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.RoutePlan;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in catalog: the providers of the reference with their base URLs, surfaces, models and prices. */
final class CatalogTest {
  private static final List<String> NEW = List.of("moonshotai", "z-ai", "hyperbolic", "inceptionlabs", "inference-net");
  private Fixture f;
  private String token;

  @BeforeEach
  void setUp() {
    f = new Fixture();
    for (String p : NEW) {
      f.providerKey(p, "k");
    }
    token = f.accessKey(null);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
      "moonshotai, https://api.moonshot.ai/v1",
      "z-ai, https://api.z.ai/api/paas/v4",
      "hyperbolic, https://api.hyperbolic.xyz/v1",
      "inceptionlabs, https://api.inceptionlabs.ai/v1",
      "inference-net, https://api.inference.net/v1"
  })
  void theReferenceProviders_areBuiltIn_withTheirVersionedBaseUrl_andBearerAuth(String id, String baseUrl) {
    Provider p = ProviderCatalog.builtIn().provider(id);
    assertThat(p).isNotNull();
    assertThat(p.isBuiltIn()).isTrue();
    assertThat(p.baseUrl()).isEqualTo(baseUrl);
    assertThat(p.authHeader()).isEqualTo("Authorization");
    assertThat(p.authPrefix()).isEqualTo("Bearer ");
    assertThat(p.format()).isEqualTo(Surface.Format.OPENAI);
    assertThat(p.serves(Surface.CHAT_COMPLETIONS)).isTrue();
    assertThat(p.models()).isNotEmpty();
    assertThat(p.acceptsManagedCredentials()).as("the reference: a provider key is required").isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1} / {2} by {3}")
  @CsvSource({
      "kimi-k2.6, moonshotai, kimi-k2.6, catalog",
      "Kimi-K2.5, moonshotai, kimi-k2.5, catalog",
      "kimi-k9-preview, moonshotai, kimi-k9-preview, family",
      "moonshot-v1-8k, moonshotai, moonshot-v1-8k, catalog",
      "glm-4.6, z-ai, glm-4.6, catalog",
      "GLM-4.5-Air, z-ai, glm-4.5-air, catalog",
      "glm-5-turbo, z-ai, glm-5-turbo, family",
      "z-ai:glm-4.6, z-ai, glm-4.6, pinned",
      "mercury-2, inceptionlabs, mercury-2, catalog",
      "mercury-coder, inceptionlabs, mercury-coder, family",
      "deepseek-ai/DeepSeek-V3, hyperbolic, deepseek-ai/DeepSeek-V3, catalog",
      "hyperbolic:qwen/qwen2.5-72b-instruct, hyperbolic, Qwen/Qwen2.5-72B-Instruct, pinned",
      "hyperbolic/meta-llama/Llama-3.3-70B-Instruct, hyperbolic, meta-llama/Llama-3.3-70B-Instruct, pinned",
      "meta-llama/llama-3.3-70b-instruct/fp-16, inference-net, meta-llama/llama-3.3-70b-instruct/fp-16, catalog",
      "inference-net:meta-llama/llama-3.1-8b-instruct/fp-8, inference-net, meta-llama/llama-3.1-8b-instruct/fp-8, pinned"
  })
  void newProvidersModels_resolve(String requested, String provider, String model, String by) {
    RoutePlan plan = f.chatModel(token, requested);
    Candidate c = plan.candidates().get(0);
    assertThat(c.provider()).isEqualTo(provider);
    assertThat(c.model()).isEqualTo(model);
    assertThat(c.resolvedBy()).isEqualTo(by);
  }

  @Test
  void theNewProviders_serveChatOnly() {
    GatewayException e = catchGateway(() -> f.gateway.plan(dev.aigateway.GatewayRequest.of(Surface.EMBEDDINGS, token,
        "{\"model\":\"glm-4.6\",\"input\":\"x\"}")));
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_SURFACE);
  }

  @Test
  void pricedModels_carryInputAndOutputCentsPerMillionTokens_andTheirDate() {
    ModelPrice gpt4o = ProviderCatalog.builtIn().provider("openai").price("GPT-4o");
    assertThat(gpt4o).isNotNull();
    assertThat(gpt4o.inputCentsPerMillionTokens()).isEqualByComparingTo(new BigDecimal("250"));
    assertThat(gpt4o.outputCentsPerMillionTokens()).isEqualByComparingTo(new BigDecimal("1000"));
    assertThat(gpt4o.asOf()).isEqualTo(LocalDate.of(2026, 11, 22));
    assertThat(gpt4o.costMicroCents(1_000, 100)).isEqualTo(1_000 * 250 + 100 * 1_000);
    assertThat(ProviderCatalog.builtIn().provider("anthropic").price("claude-sonnet-4-6")).isNotNull();
    assertThat(ProviderCatalog.builtIn().provider("moonshotai").price("kimi-k2.6")).isNotNull();
    assertThat(ProviderCatalog.builtIn().provider("inceptionlabs").price("mercury-2")).isNotNull();
  }

  @Test
  void aCataloguedModelWithoutAConfirmedPrice_hasNone() {
    Provider openai = ProviderCatalog.builtIn().provider("openai");
    assertThat(openai.canonicalModel("text-embedding-ada-002")).isNotNull();
    assertThat(openai.price("text-embedding-ada-002")).isNull();
    assertThat(openai.price("gpt-uncatalogued")).isNull();
    assertThat(ProviderCatalog.builtIn().provider("z-ai").price("glm-4.5")).isNull();
  }

  @Test
  void everyBuiltInPrice_isForAListedModel_andNotNegative() {
    for (Provider p : ProviderCatalog.builtIn().providers()) {
      p.prices().forEach((model, price) -> {
        assertThat(p.canonicalModel(model)).as(p.id() + " " + model).isNotNull();
        assertThat(price.inputCentsPerMillionTokens().signum()).isNotNegative();
        assertThat(price.outputCentsPerMillionTokens().signum()).isNotNegative();
      });
    }
    for (String managed : List.of("openai", "anthropic", "google")) {
      assertThat(ProviderCatalog.builtIn().provider(managed).prices()).as(managed).isNotEmpty();
    }
  }

  @Test
  void fractionalPrices_roundUpToTheNextMicroCent_only() {
    ModelPrice p = new ModelPrice(new BigDecimal("7.5"), new BigDecimal("0.25"), LocalDate.of(2026, 11, 22));
    assertThat(p.costMicroCents(2, 4)).isEqualTo(16); // 15 + 1: exact
    assertThat(p.costMicroCents(1, 1)).isEqualTo(8); // 7.75 rounds up to 8
    assertThat(p.costMicroCents(0, 0)).isZero();
  }
}
