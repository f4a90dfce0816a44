package dev.aigateway.functional;

import dev.aigateway.config.ConfigurationJson;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.routing.Candidate;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.SurfaceSupport;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN §3 model strings: pinning, provider/model, bare resolution order, surfaces, errors. */
final class ModelResolutionTest {
  private Fixture f;
  private String token;

  @BeforeEach
  void setUp() {
    f = new Fixture();
    for (String p : List.of("openai", "anthropic", "google", "mistral", "groq", "deepseek", "openrouter", "xai")) {
      f.providerKey(p, "k");
    }
    f.admin.providers().create(CustomProvider.builder().providerId("ollama").baseUrl("https://ollama.example.com/v1")
        .models(List.of("llama3.2:1b", "Qwen3-Coder")));
    f.providerKey("ollama", "k");
    token = f.accessKey(null);
  }

  private Candidate only(String model) {
    RoutePlan plan = f.chatModel(token, model);
    assertThat(plan.candidates()).hasSize(1);
    return plan.candidates().get(0);
  }

  @ParameterizedTest(name = "{0} -> {1} / {2} by {3}")
  @CsvSource({
      "openai:gpt-4o, openai, gpt-4o, pinned",
      "OPENAI/GPT-4O, , , ",
      "openai/gpt-4o, openai, gpt-4o, pinned",
      "openai:GPT-4O, openai, gpt-4o, pinned",
      "openai:openai/gpt-4o, openai, gpt-4o, pinned",
      "openrouter:anthropic/claude-3.5-sonnet, openrouter, anthropic/claude-3.5-sonnet, pinned",
      "openrouter:openrouter/auto, openrouter, openrouter/auto, pinned",
      "ollama:llama3.2:1b, ollama, llama3.2:1b, pinned",
      "llama3.2:1b, ollama, llama3.2:1b, catalog",
      "qwen3-coder, ollama, Qwen3-Coder, catalog",
      "gpt-4o, openai, gpt-4o, catalog",
      "GPT-4o-Mini, openai, gpt-4o-mini, catalog",
      "claude-sonnet-4-6, anthropic, claude-sonnet-4-6, catalog",
      "gemini-2.5-pro, google, gemini-2.5-pro, catalog",
      "deepseek-chat, deepseek, deepseek-chat, catalog",
      "gpt-7-preview, openai, gpt-7-preview, family",
      "o3-pro, openai, o3-pro, family",
      "chatgpt-4o-latest, openai, chatgpt-4o-latest, family",
      "claude-5-opus, anthropic, claude-5-opus, family",
      "gemini-3.0-ultra, google, gemini-3.0-ultra, family",
      "grok-5, xai, grok-5, family",
      "llama-3.3-70b-versatile, groq, llama-3.3-70b-versatile, catalog",
      "groq:openai/gpt-oss-120b, groq, openai/gpt-oss-120b, pinned",
  })
  void modelStrings_resolveAsDesigned(String model, String provider, String upstream, String by) {
    if (provider == null) {
      // provider ids are exact: OPENAI is not a provider, and the bare string is no catalog model
      assertThat(catchGateway(() -> f.chatModel(token, model)).code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
      return;
    }
    Candidate c = only(model);
    assertThat(c.provider()).isEqualTo(provider);
    assertThat(c.model()).isEqualTo(upstream);
    assertThat(c.resolvedBy()).isEqualTo(by);
  }

  @Test
  void bareModel_usesTheKeysAllowListBeforeFamilies() {
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"groq first\",\"access\":{\"models\":{\"allow\":[\"groq/llama-4-scout-new\"]}}}")).id();
    String scoped = f.accessKey(id);
    Candidate c = f.chatModel(scoped, "llama-4-scout-new").candidates().get(0);
    assertThat(c.provider()).isEqualTo("groq");
    assertThat(c.resolvedBy()).isEqualTo("allow-list");
    // without the hint the bare id is unknown
    assertThat(catchGateway(() -> f.chatModel(token, "llama-4-scout-new")).code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
  }

  @Test
  void allowListHint_canSendAFamilyModelToAnotherProvider() {
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"via openrouter\",\"access\":{\"models\":{\"allow\":[\"openrouter:gpt-9-preview\"]}}}")).id();
    Candidate c = f.chatModel(f.accessKey(id), "gpt-9-preview").candidates().get(0);
    assertThat(c.provider()).isEqualTo("openrouter");
    assertThat(c.resolvedBy()).isEqualTo("allow-list");
  }

  @Test
  void unknownBareModel_isModelNotFound() {
    GatewayException e = catchGateway(() -> f.chatModel(token, "totally-unknown-model"));
    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.getMessage()).startsWith("Unknown model \"totally-unknown-model\".");
  }

  @Test
  void unknownProviderPrefix_isProviderNotFound() {
    GatewayException e = catchGateway(() -> f.chatModel(token, "nope:gpt-4o"));
    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_NOT_FOUND);
    assertThat(e.status()).isEqualTo(404);
    assertThat(catchGateway(() -> f.chatModel(token, "OpenAI:gpt-4o")).code()).isEqualTo(ErrorCode.PROVIDER_NOT_FOUND);
  }

  @Test
  void emptyModelAfterPrefix_isModelNotFound() {
    assertThat(catchGateway(() -> f.chatModel(token, "openai:")).code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    assertThat(catchGateway(() -> f.chatModel(token, "")).code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
  }

  @Test
  void messagesSurface_reachesOnlyProvidersServingIt() {
    RoutePlan plan = f.gateway.plan(GatewayRequest.of(Surface.MESSAGES, token,
        "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":[]}"));
    assertThat(plan.candidates().get(0).provider()).isEqualTo("anthropic");
    GatewayException e = catchGateway(() -> f.gateway.plan(GatewayRequest.of(Surface.MESSAGES, token,
        "{\"model\":\"gpt-4o\",\"messages\":[]}")));
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_SURFACE);
    assertThat(e.status()).isEqualTo(404);
    assertThat(catchGateway(() -> f.gateway.plan(GatewayRequest.of(Surface.MESSAGES, token,
        "{\"model\":\"openai:gpt-4o\",\"messages\":[]}"))).code()).isEqualTo(ErrorCode.UNSUPPORTED_SURFACE);
  }

  @Test
  void customProviderWithTheAnthropicSurface_servesMessages() {
    f.admin.providers().create(CustomProvider.builder().providerId("bedrock-proxy").baseUrl("https://proxy.example.com/v1")
        .supportedApiSurfaces(List.of(SurfaceSupport.of(Surface.MESSAGES))).models(List.of("claude-internal")));
    f.providerKey("bedrock-proxy", "k");
    RoutePlan plan = f.gateway.plan(GatewayRequest.of(Surface.MESSAGES, token,
        "{\"model\":\"claude-internal\",\"messages\":[]}"));
    assertThat(plan.candidates().get(0).provider()).isEqualTo("bedrock-proxy");
  }

  @Test
  void embeddingsSurface_resolvesEmbeddingModels() {
    RoutePlan plan = f.gateway.plan(GatewayRequest.of(Surface.EMBEDDINGS, token,
        "{\"model\":\"text-embedding-3-small\",\"input\":\"hi\"}"));
    assertThat(plan.candidates().get(0).provider()).isEqualTo("openai");
  }

  @Test
  void unresolvableFallback_isRejectedNotFatal() {
    RoutePlan plan = f.chat(token, "{\"model\":\"nonexistent-model\",\"models\":[\"gpt-4o\"]}");
    assertThat(plan.candidates()).extracting(Candidate::model).containsExactly("gpt-4o");
    assertThat(plan.rejected()).singleElement().satisfies(r -> {
      assertThat(r.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
      assertThat(r.source()).isEqualTo("model");
    });
  }

  @Test
  void modelsAlone_withoutModel_isAccepted() {
    RoutePlan plan = f.chat(token, "{\"models\":[\"claude-sonnet-4-6\",\"gpt-4o\"]}");
    assertThat(plan.candidates()).extracting(Candidate::source).containsExactly("models[0]", "models[1]");
    assertThat(plan.bodyModel()).isNull();
  }

  @Test
  void duplicateCandidates_areTriedOnce() {
    RoutePlan plan = f.chat(token, "{\"model\":\"gpt-4o\",\"models\":[\"openai:GPT-4o\",\"openai/gpt-4o\",\"gpt-4o-mini\"]}");
    assertThat(plan.candidates()).extracting(Candidate::model).containsExactly("gpt-4o", "gpt-4o-mini");
  }
}
