package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.spi.KeyStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code PATCH /gateway-config} on a store that keeps the document: a bad field in the PATCH answers 400 naming
 * it and stores nothing; and a document in the store that this instance cannot read (written by SQL, or by a later
 * version that accepts other values) must not make every PATCH fail on a field the client never sent.
 */
final class GatewayConfigPatchOverAnUnreadableStoredDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aPatchWithABadField_answers400NamingIt_andStoresNothing() throws Exception {
    KeyStore store = KeyStore.inMemory();
    String token = AdminKeys.newToken();
    AdminApi api = api(Gateway.builder().keyStore(store).build(), token);
    assertThat(patch(api, token, "{\"maxAttempts\":4}").status()).isEqualTo(200);
    String before = store.gatewayConfig();

    AdminResponse bad = patch(api, token, "{\"accountId\":\"acct-new\",\"maxAttempts\":0}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json()).contains("maxAttempts");
    AdminResponse inverted = patch(api, token, "{\"totalTimeout\":\"10s\",\"perRequestTimeout\":\"20s\"}");
    assertThat(inverted.status()).isEqualTo(400);
    assertThat(inverted.json()).contains("perRequestTimeout");
    assertThat(store.gatewayConfig()).as("nothing stored").isEqualTo(before);
  }

  /**
   * Regression: the PATCH read the stored document first and failed on its bad field with 400 (naming a field
   * the client did not send), so once such a document was in the store the management API could not replace it.
   */
  @Test
  void aPatchAfterAnUnreadableDocumentReachedTheStore_replacesIt_insteadOfFailingOnTheStoredField()
      throws Exception {
    KeyStore store = KeyStore.inMemory();
    String token = AdminKeys.newToken();
    Gateway gateway = Gateway.builder().keyStore(store).build();
    AdminApi api = api(gateway, token);
    assertThat(patch(api, token, "{\"maxAttempts\":4}").status()).isEqualTo(200);
    // a running instance logs and ignores a document it cannot apply, and keeps what is in force
    store.putGatewayConfig("{\"maxAttempts\":0,\"accountId\":\"acct-sql\"}");
    assertThat(gateway.limits().maxAttempts()).isEqualTo(4);

    AdminResponse fixed = patch(api, token, "{\"maxAttempts\":5}");

    assertThat(fixed.status()).as(fixed.json()).isEqualTo(200);
    JsonNode stored = JSON.readTree(Objects.requireNonNull(store.gatewayConfig()));
    assertThat(stored.path("maxAttempts").asInt()).isEqualTo(5);
    assertThat(gateway.limits().maxAttempts()).isEqualTo(5);
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
}
