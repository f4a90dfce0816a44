package dev.aigateway.functional;

import dev.aigateway.internal.admin.AdminJson;

import dev.aigateway.config.ConfigurationJson;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.routing.Candidate;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DESIGN §3 routing: rule precedence, steps, strategies, defaults, managed steps, cooldown ordering. */
final class RoutingTest {
  private Fixture f;
  private ProviderKey primary;
  private ProviderKey backup;
  private ProviderKey cheap;

  @BeforeEach
  void setUp() {
    f = new Fixture(CredentialResolver.storeValues().withManaged("openai", SecretValue.of("managed-openai-secret")));
    primary = f.providerKey("openai", "primary");
    backup = f.providerKey("openai", "backup");
    cheap = f.providerKey("openai", "cheap");
  }

  private String designExampleKey() {
    String json = Fixture.replace(Fixture.resource("reference/design-example.json"),
        Map.of("aigpk_primary", primary.id(), "aigpk_cheap", cheap.id(), "\"value\": \"sk-...\"",
            "\"value\": \"sk-inline-0123456789abcdef\""));
    return f.accessKey(f.admin.configurations().create(ConfigurationJson.parseCreate(json)).id());
  }

  private static List<String> keys(Candidate c) {
    return c.attempts().stream().map(a -> a.managed() ? "managed" : a.providerKeyName()).toList();
  }

  @Test
  void providerRule_runsItsStepsInOrder_userKeysThenManaged() {
    Candidate c = f.chatModel(designExampleKey(), "gpt-4o").candidates().get(0);
    assertThat(c.rule().describe()).isEqualTo("router.rules[0] (provider rule)");
    assertThat(keys(c)).containsExactly("primary", "inline", "managed");
    assertThat(c.attempts()).extracting(PlannedAttempt::stepIndex).containsExactly(0, 0, 1);
    assertThat(c.attempts()).extracting(PlannedAttempt::stepName).containsExactly("user", "user", "ngrok");
  }

  @Test
  void modelRule_winsOverProviderRule() {
    String token = designExampleKey();
    String id = f.admin.configurations().get(f.gateway.authenticate(token).configurationId()).id();
    // the design example only allows gpt-4o; widen its scope to also allow gpt-4o-mini
    f.admin.configurations().update(id, AdminJson.configurationChange("{\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o\",\"openai/gpt-4o-mini\"]}}}"));
    Candidate mini = f.chatModel(token, "gpt-4o-mini").candidates().get(0);
    assertThat(mini.rule().describe()).isEqualTo("router.rules[1] (model rule)");
    assertThat(keys(mini)).containsExactly("cheap");
  }

  @Test
  void modelRuleMatchesEveryFormOfItsModel_caseInsensitively() {
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"m\",\"router\":{\"rules\":[{\"model\":\"GPT-4o-Mini\","
        + "\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + cheap.id() + "\"}]}]}]}}")).id();
    String token = f.accessKey(id);
    for (String m : List.of("gpt-4o-mini", "openai:gpt-4o-mini", "openai/GPT-4O-MINI")) {
      assertThat(keys(f.chatModel(token, m).candidates().get(0))).as(m).containsExactly("cheap");
    }
    // other openai models fall back to default routing
    assertThat(f.chatModel(token, "gpt-4o").candidates().get(0).rule().isDefault()).isTrue();
  }

  @Test
  void noConfiguration_usesStoredKeysInCreationOrder_thenManaged() {
    Candidate c = f.chatModel(f.accessKey(null), "gpt-4o").candidates().get(0);
    assertThat(c.rule().isDefault()).isTrue();
    assertThat(keys(c)).containsExactly("primary", "backup", "cheap", "managed");
    assertThat(c.attempts()).allMatch(a -> a.defaultRouting() && a.stepName().equals("default"));
  }

  @Test
  void noMatchingRule_usesDefaultRouting() {
    f.providerKey("anthropic", "an");
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"openai rule only\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"ngrok\"}]}]}}")).id();
    Candidate c = f.chatModel(f.accessKey(id), "claude-sonnet-4-6").candidates().get(0);
    assertThat(c.rule().isDefault()).isTrue();
    assertThat(keys(c)).containsExactly("an");
  }

  @Test
  void managedStep_withoutAManagedCredential_yieldsNothing() {
    f.providerKey("anthropic", "an");
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"anthropic\","
        + "\"steps\":[{\"type\":\"managed\"}]}]}}")).id();
    GatewayException e = catchGateway(() -> f.chatModel(f.accessKey(id), "claude-sonnet-4-6"));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("router.rules[0] (provider rule) yields no usable key");
  }

  /** Regression: a managed step with openai:gpt-uncatalogued called the provider with the managed secret. */
  @Test
  void theManagedCredential_servesOnlyCatalogedModels_userKeysServeAnything() {
    String ngrokOnly = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"m\",\"router\":"
        + "{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")).id();
    GatewayException e = catchGateway(() -> f.chatModel(f.accessKey(ngrokOnly), "openai:gpt-uncatalogued"));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.getMessage()).contains("serves only catalogued models");
    assertThat(keys(f.chatModel(f.accessKey(ngrokOnly), "gpt-4o").candidates().get(0))).containsExactly("managed");
    // with the host's own keys first, those still serve it, and the managed step adds nothing
    String userThenNgrok = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"u\",\"router\":"
        + "{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + primary.id()
        + "\"}]},{\"type\":\"ngrok\"}]}]}}")).id();
    assertThat(keys(f.chatModel(f.accessKey(userThenNgrok), "openai:gpt-uncatalogued").candidates().get(0)))
        .containsExactly("primary");
    assertThat(keys(f.chatModel(f.accessKey(userThenNgrok), "gpt-4o").candidates().get(0)))
        .containsExactly("primary", "managed");
    // default routing too: stored keys, no managed credential for an uncatalogued model
    assertThat(keys(f.chatModel(f.accessKey(null), "openai:gpt-uncatalogued").candidates().get(0)))
        .containsExactly("primary", "backup", "cheap");
  }

  @Test
  void customProviderWithNoKeys_isNoCredentials() {
    f.admin.providers().create(CustomProvider.builder().providerId("vllm").baseUrl("https://vllm.example.com/v1")
        .models(List.of("llama3.2")));
    GatewayException e = catchGateway(() -> f.chatModel(f.accessKey(null), "vllm:llama3.2"));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.getMessage()).isEqualTo("No credentials for custom provider \"vllm\": add a provider key for it.");
  }

  @Test
  void builtInProviderWithoutKeysOrManaged_isNoCredentials() {
    GatewayException e = catchGateway(() -> f.chatModel(f.accessKey(null), "mistral-large-latest"));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
  }

  @Test
  void fallbackModels_eachGetTheirOwnRoute() {
    f.providerKey("anthropic", "an");
    RoutePlan plan = f.chat(designExampleKeyAllowing("anthropic/claude-sonnet-4-6"),
        "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"]}");
    assertThat(plan.candidates()).extracting(Candidate::provider).containsExactly("openai", "anthropic");
    assertThat(keys(plan.candidates().get(1))).containsExactly("an");
    assertThat(plan.attempts()).hasSize(4);
  }

  private String designExampleKeyAllowing(String extraModel) {
    String token = designExampleKey();
    String id = f.gateway.authenticate(token).configurationId();
    f.admin.configurations().update(id, AdminJson.configurationChange("{\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o\",\"" + extraModel + "\"]}}}"));
    return token;
  }

  @Test
  void virtualModel_expandsToItsTargets_eachAccessChecked() {
    f.providerKey("anthropic", "an");
    f.providerKey("google", "go");
    f.admin.virtualModels().create("smart", "best available", List.of("claude-sonnet-4-6", "gpt-4o", "gemini-2.5-pro"));
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"no google\",\"access\":{\"providers\":{\"allow\":"
        + "[\"openai\",\"anthropic\"]}}}")).id();
    RoutePlan plan = f.chatModel(f.accessKey(id), "SMART");
    assertThat(plan.candidates()).extracting(Candidate::source)
        .containsExactly("virtual model smart[0]", "virtual model smart[1]");
    assertThat(plan.rejected()).singleElement().satisfies(r -> {
      assertThat(r.requested()).isEqualTo("gemini-2.5-pro");
      assertThat(r.code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    });
    assertThat(plan.needsRewrite(plan.candidates().get(0))).isTrue();
  }

  @Test
  void roundRobin_startsOneKeyFurtherEachRequest() {
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"rr\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"round-robin\",\"keys\":[{\"id\":\"" + primary.id()
        + "\"},{\"id\":\"" + backup.id() + "\"},{\"id\":\"" + cheap.id() + "\"}]}]}]}}")).id();
    String token = f.accessKey(id);
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("primary", "backup", "cheap");
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("backup", "cheap", "primary");
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("cheap", "primary", "backup");
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("primary", "backup", "cheap");
  }

  @Test
  void weighted_putsHeavierKeysFirstInProportion() {
    Fixture wf = new Fixture(dev.aigateway.Gateway.builder().random(new SplittableRandom(7)),
        dev.aigateway.spi.KeyStore.inMemory());
    ProviderKey heavy = wf.providerKey("openai", "heavy");
    ProviderKey light = wf.providerKey("openai", "light");
    String id = wf.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"w\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"weighted\",\"keys\":[{\"id\":\"" + heavy.id()
        + "\",\"weight\":3},{\"id\":\"" + light.id() + "\"}]}]}]}}")).id();
    String token = wf.accessKey(id);
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < 4_000; i++) {
      Candidate c = wf.chatModel(token, "gpt-4o").candidates().get(0);
      assertThat(c.attempts()).hasSize(2);
      first.merge(c.attempts().get(0).providerKeyName(), 1, Integer::sum);
    }
    // expected 3:1, i.e. 3000 of 4000; allow a wide margin for randomness
    assertThat(first.get("heavy")).isBetween(2_800, 3_200);
  }

  @Test
  void coolingKey_isTriedLast_untilItsCooldownEnds() {
    String token = f.accessKey(null);
    f.gateway.cooldowns().coolDown(primary.id(), Duration.ofSeconds(10));
    Candidate cooled = f.chatModel(token, "gpt-4o").candidates().get(0);
    assertThat(keys(cooled)).containsExactly("backup", "cheap", "managed", "primary");
    assertThat(cooled.attempts().get(3).coolingDown()).isTrue();
    f.clock.advance(Duration.ofSeconds(9));
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).endsWith("primary");
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0)))
        .containsExactly("primary", "backup", "cheap", "managed");
  }

  @Test
  void severalCoolingKeys_soonestFreshFirst() {
    String token = f.accessKey(null);
    f.gateway.cooldowns().coolDown(primary.id(), Duration.ofSeconds(30));
    f.gateway.cooldowns().coolDown(backup.id(), Duration.ofSeconds(5));
    f.gateway.cooldowns().coolDown("managed:openai", Duration.ofSeconds(60));
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0)))
        .containsExactly("cheap", "backup", "primary", "managed");
  }

  @Test
  void deletedOrForeignKeysInAStep_areNeverPlanned() {
    ProviderKey extra = f.providerKey("openai", "extra");
    String id = f.admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + extra.id() + "\"},{\"id\":\"" + backup.id()
        + "\"}]}]}]}}")).id();
    String token = f.accessKey(id);
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("extra", "backup");
    // rotating keeps the id, so the rule keeps working with the new name
    f.admin.providerKeys().rotate(extra.id(), "extra-rotated", SecretValue.of("sk-rotated-0123456789abcdef"));
    assertThat(keys(f.chatModel(token, "gpt-4o").candidates().get(0))).containsExactly("extra-rotated", "backup");
  }
}
