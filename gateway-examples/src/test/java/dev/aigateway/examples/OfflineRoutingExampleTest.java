package dev.aigateway.examples;

import dev.aigateway.config.ConfigurationJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.routing.Candidate;
import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How a host application unit-tests its routing decisions offline: no network, no provider account.
 * This file is the source of the "Test routing offline" snippet in the docs.
 */
final class OfflineRoutingExampleTest {

  @Test
  void productionKeyPrefersOurOwnKeys_andFallsBackToManagedInference() {
    // --8<-- [start:offline-routing]
    FakeClock clock = FakeClock.create();
    Gateway gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())
        .credentialResolver(CredentialResolver.storeValues()
            .withManaged("openai", SecretValue.of(System.getenv().getOrDefault("MANAGED_OPENAI_KEY", "sk-test"))))
        .clock(clock)
        .build();

    String primary = gateway.admin().providerKeys().create(ProviderKeyChange.builder()
        .providerId("openai").name("primary").value("sk-primary-test-key").build()).id();
    String backup = gateway.admin().providerKeys().create(ProviderKeyChange.builder()
        .providerId("openai").name("backup").value("sk-backup-test-key").build()).id();
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate("""
        {
          "name": "Production OpenAI BYOK",
          "access": { "providers": { "allow": ["openai"] } },
          "router": { "rules": [ { "provider": "openai", "steps": [
            { "type": "user", "keys": [ { "id": "%s" }, { "id": "%s" } ] },
            { "type": "ngrok" } ] } ] }
        }""".formatted(primary, backup))).id();
    String token = gateway.admin().accessKeys().create(
        AccessKeyChange.builder().name("web app").configurationId(config).build()).token();

    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

    assertThat(plan.attempts()).extracting(PlannedAttempt::providerKeyName)
        .containsExactly("primary", "backup", null); // null: the managed credential
    System.out.println(plan.explain());
    // --8<-- [end:offline-routing]

    // a rate-limited key is tried last until its cooldown ends
    gateway.cooldowns().coolDown(primary, Duration.ofSeconds(30));
    assertThat(gateway.plan(plan.request()).attempts()).extracting(PlannedAttempt::providerKeyName)
        .containsExactly("backup", null, "primary");
    clock.advance(Duration.ofSeconds(30));
    assertThat(gateway.plan(plan.request()).candidates()).extracting(Candidate::provider).containsExactly("openai");
    assertThat(gateway.plan(plan.request()).attempts().get(0).providerKeyName()).isEqualTo("primary");

    // and the key may not reach Anthropic at all
    assertThatThrownBy(() -> gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"claude-sonnet-4-6\",\"messages\":[]}")))
        .isInstanceOf(GatewayException.class)
        .extracting(e -> ((GatewayException) e).code()).isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
  }
}
