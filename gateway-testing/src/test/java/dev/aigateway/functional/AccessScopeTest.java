package dev.aigateway.functional;

import dev.aigateway.config.ConfigurationJson;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.routing.Candidate;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.routing.RoutePlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DESIGN §3 access scope: omitted, per-dimension, empty, both dimensions, exactness and case. */
final class AccessScopeTest {
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture();
    f.providerKey("openai", "oa");
    f.providerKey("anthropic", "an");
    f.providerKey("google", "go");
  }

  private String keyWith(String accessJson) {
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\"" + (accessJson.isEmpty() ? "" : ",\"access\":" + accessJson)
        + "}")).id();
    return f.accessKey(id);
  }

  @Test
  void accessOmitted_allowsEveryProviderAndModel() {
    String token = keyWith("");
    assertThat(f.chatModel(token, "gpt-4o").candidates()).extracting(Candidate::provider).containsExactly("openai");
    assertThat(f.chatModel(token, "claude-sonnet-4-6").candidates()).extracting(Candidate::provider)
        .containsExactly("anthropic");
    assertThat(f.chatModel(token, "gemini-2.5-pro").candidates()).extracting(Candidate::provider)
        .containsExactly("google");
  }

  @Test
  void noConfigurationAtAll_allowsEverything() {
    String token = f.accessKey(null);
    assertThat(f.chatModel(token, "openai:some-future-model").candidates()).hasSize(1);
  }

  @Test
  void modelsDimensionOmitted_restrictsOnlyProviders() {
    String token = keyWith("{\"providers\":{\"allow\":[\"openai\"]}}");
    assertThat(f.chatModel(token, "gpt-4o-mini").candidates()).hasSize(1);
    assertThat(f.chatModel(token, "openai:brand-new-model").candidates()).hasSize(1);
    GatewayException e = catchGateway(() -> f.chatModel(token, "claude-sonnet-4-6"));
    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.getMessage()).isEqualTo("Provider \"anthropic\" is not allowed by the access policy.");
  }

  @Test
  void providersDimensionOmitted_restrictsOnlyModels() {
    String token = keyWith("{\"models\":{\"allow\":[\"anthropic/claude-sonnet-4-6\"]}}");
    assertThat(f.chatModel(token, "claude-sonnet-4-6").candidates()).hasSize(1);
    GatewayException e = catchGateway(() -> f.chatModel(token, "claude-opus-4-1"));
    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
    assertThat(e.status()).isEqualTo(403);
  }

  @Test
  void emptyAllowList_allowsNothingOnThatDimension() {
    String noProviders = keyWith("{\"providers\":{\"allow\":[]}}");
    assertThat(catchGateway(() -> f.chatModel(noProviders, "gpt-4o")).code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    String noModels = keyWith("{\"models\":{\"allow\":[]}}");
    assertThat(catchGateway(() -> f.chatModel(noModels, "gpt-4o")).code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
  }

  @Test
  void bothDimensionsMustPass() {
    String token = keyWith("{\"providers\":{\"allow\":[\"anthropic\"]},\"models\":{\"allow\":[\"openai/gpt-4o\"]}}");
    assertThat(catchGateway(() -> f.chatModel(token, "gpt-4o")).code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    assertThat(catchGateway(() -> f.chatModel(token, "claude-sonnet-4-6")).code())
        .isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
  }

  @Test
  void modelEntriesCompareCaseInsensitively_inEveryForm() {
    for (String entry : new String[] {"openai/GPT-4o", "openai:gpt-4O", "GPT-4O", "openai:openai/gpt-4o"}) {
      String token = keyWith("{\"models\":{\"allow\":[\"" + entry + "\"]}}");
      assertThat(f.chatModel(token, "gpt-4o").candidates()).as(entry).hasSize(1);
      assertThat(f.chatModel(token, "openai/Gpt-4o").candidates()).as(entry).hasSize(1);
      assertThat(catchGateway(() -> f.chatModel(token, "gpt-4o-mini")).code()).as(entry)
          .isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
    }
  }

  @Test
  void providerEntriesAreExact() {
    String token = keyWith("{\"providers\":{\"allow\":[\"openai\"]}}");
    assertThat(f.chatModel(token, "gpt-4o").candidates()).hasSize(1);
    // a configuration naming a provider by the wrong case is refused when created, by path
    GatewayException e = catchGateway(() -> keyWith("{\"providers\":{\"allow\":[\"OpenAI\"]}}"));
    assertThat(e.getMessage()).isEqualTo("access.providers.allow[0]: unknown provider 'OpenAI'");
  }

  @Test
  void passThroughModel_mustStillBeAllowed() {
    String token = keyWith("{\"models\":{\"allow\":[\"openai/gpt-4o\"]}}");
    assertThat(catchGateway(() -> f.chatModel(token, "openai:gpt-9-experimental")).code())
        .isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
    String allowsIt = keyWith("{\"models\":{\"allow\":[\"openai:gpt-9-experimental\"]}}");
    RoutePlan plan = f.chatModel(allowsIt, "openai:gpt-9-experimental");
    assertThat(plan.candidates().get(0).model()).isEqualTo("gpt-9-experimental");
    assertThat(plan.candidates().get(0).resolvedBy()).isEqualTo("pinned");
  }

  @Test
  void disallowedFallback_isSkippedAndNamed_whileOthersRemain() {
    String token = keyWith("{\"models\":{\"allow\":[\"openai/gpt-4o\",\"google/gemini-2.5-pro\"]}}");
    RoutePlan plan = f.chat(token, "{\"model\":\"claude-sonnet-4-6\",\"models\":[\"gpt-4o\",\"gemini-2.5-pro\"]}");
    assertThat(plan.candidates()).extracting(Candidate::provider).containsExactly("openai", "google");
    assertThat(plan.rejected()).hasSize(1);
    assertThat(plan.rejected().get(0).requested()).isEqualTo("claude-sonnet-4-6");
    assertThat(plan.rejected().get(0).source()).isEqualTo("model");
    assertThat(plan.rejected().get(0).code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
  }

  @Test
  void everyCandidateDenied_failsWithTheFirstCandidatesReason_andListsThemAll() {
    String token = keyWith("{\"providers\":{\"allow\":[\"google\"]},\"models\":{\"allow\":[\"google/gemini-2.5-pro\"]}}");
    GatewayException e = catchGateway(() -> f.chat(token, "{\"model\":\"gpt-4o\",\"models\":[\"gemini-2.5-flash\"]}"));
    assertThat(e).isInstanceOf(RequestRejectedException.class);
    assertThat(e.code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    assertThat(((RequestRejectedException) e).rejected()).extracting(r -> r.code())
        .containsExactly(ErrorCode.PROVIDER_NOT_ALLOWED, ErrorCode.MODEL_NOT_ALLOWED);
  }

  @Test
  void scopeHoldsForEveryAttempt_aHealthyKeyOutsideScopeIsNeverPlanned() {
    // the only keys that exist belong to anthropic, which the key may not call
    Fixture only = new Fixture();
    only.providerKey("anthropic", "healthy");
    String id = only.admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"openai only\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}")).id();
    String token = only.accessKey(id);
    GatewayException e = catchGateway(() -> only.chat(token,
        "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\",\"anthropic:claude-opus-4-1\"]}"));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(((RequestRejectedException) e).rejected()).extracting(r -> r.code())
        .containsExactly(ErrorCode.NO_CREDENTIALS, ErrorCode.PROVIDER_NOT_ALLOWED, ErrorCode.PROVIDER_NOT_ALLOWED);
  }

  @Test
  void customProviderMayBeAllowedByItsResourceId() {
    var p = f.admin.providers().create(dev.aigateway.resource.CustomProvider.builder().providerId("vllm")
        .baseUrl("https://vllm.example.com/v1").models(java.util.List.of("llama3.2")));
    f.providerKey("vllm", "k");
    String token = keyWith("{\"providers\":{\"allow\":[\"" + p.id() + "\"]}}");
    assertThat(f.chatModel(token, "vllm:llama3.2").candidates()).extracting(Candidate::provider)
        .containsExactly("vllm");
  }
}
