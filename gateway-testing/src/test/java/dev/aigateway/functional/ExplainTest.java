package dev.aigateway.functional;

import dev.aigateway.config.ConfigurationJson;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.routing.RoutePlan;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** explain() tells a person every decision, and never a secret. */
final class ExplainTest {

  @Test
  void explain_namesKeyConfigurationRuleStepsKeysAndRejections() {
    Fixture f = new Fixture(CredentialResolver.storeValues().withManaged("openai", SecretValue.of("managed-secret-value")));
    ProviderKey primary = f.providerKey("openai", "primary");
    ProviderKey cheap = f.providerKey("openai", "cheap");
    String json = Fixture.replace(Fixture.resource("reference/design-example.json"),
        Map.of("aigpk_primary", primary.id(), "aigpk_cheap", cheap.id(), "sk-...", "sk-inline-0123456789abcdef"));
    String configId = f.admin.configurations().create(ConfigurationJson.parseCreate(json)).id();
    String token = f.accessKey(configId);
    f.gateway.cooldowns().coolDown(primary.id(), Duration.ofSeconds(30));

    RoutePlan plan = f.chat(token, "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\",\"gemini-2.5-pro\"]}");
    String text = plan.explain();

    assertThat(text).contains("request " + plan.requestId() + " on chat-completions");
    assertThat(text).contains("configuration " + configId + " \"Production OpenAI BYOK\"");
    assertThat(text).contains("candidate 1: \"gpt-4o\" (model) -> openai / gpt-4o, resolved by catalog; "
        + "router.rules[0] (provider rule)");
    assertThat(text).contains("attempt 1: step 0 (user) provider key ");
    assertThat(text).contains("\"inline\"");
    assertThat(text).contains("step 1 (ngrok) managed credential");
    assertThat(text).contains("provider key " + primary.id() + " \"primary\" [cooling down: tried last]");
    assertThat(text).contains("rejected: \"claude-sonnet-4-6\" (models[0]): no_credentials: No credentials for provider \"anthropic\"");
    assertThat(text).contains("rejected: \"gemini-2.5-pro\" (models[1]): provider_not_allowed");
    assertThat(text.indexOf("\"inline\"")).isLessThan(text.indexOf("managed credential"));
    assertThat(text.indexOf("managed credential")).isLessThan(text.indexOf("[cooling down"));
    assertThat(text).doesNotContain("managed-secret-value").doesNotContain("sk-inline").doesNotContain(token);
    assertThat(plan.toString()).doesNotContain(token);
  }

  @Test
  void explain_withoutConfiguration_saysDefaultRouting() {
    Fixture f = new Fixture();
    f.providerKey("anthropic", "an");
    RoutePlan plan = f.chatModel(f.accessKey(null), "claude-sonnet-4-6");
    assertThat(plan.explain()).contains("no configuration: allow-all scope, default routing")
        .contains("resolved by catalog; default routing")
        .contains("attempt 1: default provider key");
  }
}
