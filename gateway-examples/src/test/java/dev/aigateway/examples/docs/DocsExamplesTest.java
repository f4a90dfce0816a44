package dev.aigateway.examples.docs;

import static dev.aigateway.failover.RetryAction.NEXT_KEY;
import static dev.aigateway.failover.RetryAction.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.okhttp.GatewayInterceptor;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The Java blocks of the docs pages, as code that compiles and runs: {@code DocsSnippetsTest} checks that
 * each block of docs/ equals a marked region here or in another tested source.
 */
final class DocsExamplesTest {

  @Test
  void accessKeys_createLinkUnlinkAndRevoke() {
    try (Gateway gateway = Gateway.builder().build()) {
      String configId = gateway.admin().configurations()
          .create(ConfigurationJson.parse("{\"name\":\"web\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}"))
          .id();
      // --8<-- [start:access-keys]
      CreatedAccessKey created = gateway.admin().accessKeys().create(
          AccessKeyChange.builder().name("web app").configurationId(configId).build());
      String token = created.token();          // hand to the client; shown once
      gateway.admin().accessKeys().update(created.key().id(),
          AccessKeyChange.builder().configurationId(null).build());    // unlinked: allow-all scope
      gateway.admin().accessKeys().delete(created.key().id());         // revoked for the next request
      // --8<-- [end:access-keys]
      assertThat(token).startsWith("ng-");
      assertThatThrownBy(() -> gateway.authenticate(token)).isInstanceOf(GatewayException.class);
    }
  }

  @Test
  void failover_scriptedOffline() {
    // --8<-- [start:failover]
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    upstream.forKey("sk-primary-0123456789").respond(FakeUpstream.reply(429).header("Retry-After", "5"));
    upstream.forKey("sk-backup-0123456789").respond(FakeUpstream.json(200, "{\"choices\":[]}"));
    Gateway gateway = Gateway.builder().clock(clock).upstream(upstream).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder()
        .providerId("openai").name("primary").value("sk-primary-0123456789").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder()
        .providerId("openai").name("backup").value("sk-backup-0123456789").build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();

    GatewayRequest request = GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}");
    try (GatewayResponse r = gateway.handle(request)) {
      assertThat(r.attempts()).extracting(a -> a.retryAction()).containsExactly(NEXT_KEY, SUCCEEDED);
    }
    // --8<-- [end:failover]
    assertThat(gateway.cooldowns().snapshot()).hasSize(1);
    gateway.close();
  }

  @Test
  void okhttp_upstreamAndInterceptor() {
    KeyStore store = KeyStore.inMemory();
    // --8<-- [start:okhttp-upstream]
    Gateway gateway = Gateway.builder()
        .keyStore(store)
        .upstream(OkHttpUpstream.create())            // or OkHttpUpstream.create(yourClient)
        .build();
    // --8<-- [end:okhttp-upstream]
    // --8<-- [start:okhttp-interceptor]
    OkHttpClient appClient = new OkHttpClient.Builder()
        .addInterceptor(GatewayInterceptor.create(gateway))
        .build();
    // --8<-- [end:okhttp-interceptor]
    assertThat(appClient.interceptors()).hasSize(1);
    gateway.close();
    appClient.dispatcher().executorService().shutdown();
  }

  /** A stand-in for a secrets vault. */
  private static final class Vault {
    private final java.util.Map<String, String> secrets = new java.util.HashMap<>();

    String read(String path) {
      return secrets.get(path);
    }
  }

  @Test
  void spi_aCredentialResolverThatReadsAVault() {
    Vault myVault = new Vault();
    java.util.Map<String, SecretValue> managedKeys = java.util.Map.of("openai", SecretValue.of("sk-managed-0123456789"));
    // --8<-- [start:spi-vault]
    CredentialResolver vault = new CredentialResolver() {
      @Override public @Nullable SecretValue providerKey(ProviderKey key) {
        String value = myVault.read("ai/" + key.id());             // keep values out of the store
        return value == null ? null : SecretValue.of(value);         // null: this key is skipped
      }
      @Override public @Nullable SecretValue managed(String providerId) {
        return managedKeys.get(providerId);                          // cache: also called while planning
      }
    };
    // --8<-- [end:spi-vault]
    try (Gateway gateway = Gateway.builder().credentialResolver(vault).build()) {
      ProviderKey key = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
          .name("vaulted").value("sk-placeholder-0123456789").build());
      myVault.secrets.put("ai/" + key.id(), "sk-from-vault-0123456789");
      assertThat(vault.providerKey(key).reveal()).isEqualTo("sk-from-vault-0123456789");
      assertThat(vault.managed("openai")).isNotNull();
      assertThat(vault.managed("anthropic")).isNull();
    }
  }
}
