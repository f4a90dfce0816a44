package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Regression: {@code PATCH /gateway-config} applied the patch to the configuration in force on the instance that
 * got it. Another instance's change that had not reached it yet (a shared store reports changes within a second)
 * was then overwritten: two operators changing different fields on two replicas at once lost one change. The
 * patch now applies to the store's newest document, in one step of the store.
 */
final class GatewayConfigPatchOnStaleInstanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPatchOnAnInstanceThatHasNotSeenAnothersChange_keepsThatChange() throws Exception {
    KeyStore shared = KeyStore.inMemory();
    String token = AdminKeys.newToken();
    AdminApi a = api(Gateway.builder().keyStore(new NotHearingGatewayConfig(shared)).build(), token);
    AdminApi b = api(Gateway.builder().keyStore(new NotHearingGatewayConfig(shared)).build(), token);

    assertThat(patch(b, token, "{\"accountId\":\"acct-from-b\",\"maxAttempts\":4}").status()).isEqualTo(200);
    AdminResponse fromA = patch(a, token, "{\"metadata\":\"note from a\"}");
    assertThat(fromA.status()).isEqualTo(200);

    JsonNode stored = JSON.readTree(Objects.requireNonNull(shared.gatewayConfig()));
    assertThat(stored.path("metadata").asText()).isEqualTo("note from a");
    assertThat(stored.path("accountId").asText()).as("B's change survives A's patch").isEqualTo("acct-from-b");
    assertThat(stored.path("maxAttempts").asInt()).isEqualTo(4);
    // and A answers, and now runs with, the whole saved configuration
    JsonNode answered = JSON.readTree(fromA.json());
    assertThat(answered.path("accountId").asText()).isEqualTo("acct-from-b");
    assertThat(answered.path("maxAttempts").asInt()).isEqualTo(4);
  }

  private static AdminApi api(Gateway gateway, String token) {
    AdminKeys keys = new AdminKeys();
    keys.allowToken(token);
    return AdminApi.create(gateway, keys, null);
  }

  private static AdminResponse patch(AdminApi api, String token, String body) throws Exception {
    return api.handle("PATCH", "/gateway-config", null, "Bearer " + token,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * One instance's view of a shared store whose gateway-configuration changes have not arrived yet: it keeps the
   * document in the shared store, but its listeners are never told of a change to it.
   */
  private static final class NotHearingGatewayConfig extends ForwardingKeyStore {
    private final KeyStore shared;

    NotHearingGatewayConfig(KeyStore shared) {
      super(shared);
      this.shared = shared;
    }

    @Override
    public @Nullable String gatewayConfig() {
      return shared.gatewayConfig();
    }

    @Override
    public boolean putGatewayConfig(String json) {
      return shared.putGatewayConfig(json);
    }

    @Override
    public @Nullable String updateGatewayConfig(KeyStore.GatewayConfigChange change) {
      return shared.updateGatewayConfig(change);
    }

    @Override
    public void addListener(Listener listener) {
      shared.addListener((type, id) -> {
        if (type != ResourceType.GATEWAY_CONFIG) {
          listener.changed(type, id);
        }
      });
    }
  }
}
