package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.spi.KeyStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: an update (PATCH, rotate) reads the resource, builds the changed copy and writes it. A resource
 * deleted between that read and that write (by another instance sharing the store, or another thread) used to
 * be inserted again: a revoked access key, a deleted provider key with its secret, a deleted admin key came
 * back. The store below deletes the resource right when the update reads it; the update must answer the usual
 * 404 and leave it deleted.
 */
final class UpdateOfADeletedResourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String adminToken = AdminKeys.newToken();
  private final KeyStore memory = KeyStore.inMemory();
  private final DeletingOnReadStore store = new DeletingOnReadStore(memory);
  private GatewayAdmin admin;
  private AdminApi api;

  @BeforeEach
  void setUp() {
    Gateway gateway = Gateway.builder().keyStore(store).build();
    admin = gateway.admin();
    AdminKeys configured = new AdminKeys();
    configured.allowToken(adminToken);
    api = AdminApi.create(gateway, configured, null);
  }

  @Test
  void aPatchOfAnAccessKeyDeletedBetweenItsReadAndItsWrite_answers404_andTheKeyStaysRevoked() throws IOException {
    String id = admin.accessKeys().create(AccessKeyChange.builder().name("doomed").build()).key().id();
    store.deleteOnNextRead(id, () -> memory.deleteAccessKey(id));
    assertNotFoundLikeAGet(call("PATCH", "/access-keys/" + id, "{\"name\":\"renamed\"}"), "/access-keys/" + id);
    assertThat(memory.accessKey(id)).isNull();
  }

  @Test
  void aPatchOfAProviderKeyDeletedBetweenItsReadAndItsWrite_answers404_andItsSecretStaysDeleted() throws IOException {
    String id = providerKey();
    store.deleteOnNextRead(id, () -> memory.deleteProviderKey(id));
    assertNotFoundLikeAGet(call("PATCH", "/provider-keys/" + id, "{\"name\":\"renamed\"}"), "/provider-keys/" + id);
    assertThat(memory.providerKey(id)).isNull();
  }

  @Test
  void aRotationOfAProviderKeyDeletedBetweenItsReadAndItsWrite_answers404_andStoresNoSecret() throws IOException {
    String id = providerKey();
    store.deleteOnNextRead(id, () -> memory.deleteProviderKey(id));
    assertNotFoundLikeAGet(call("POST", "/provider-keys/" + id + "/rotate",
        "{\"name\":\"rotated\",\"value\":\"sk-rotated-0123456789abcdef\"}"), "/provider-keys/" + id);
    assertThat(memory.providerKey(id)).isNull();
    assertThat(memory.providerKeys()).isEmpty();
  }

  @Test
  void aPatchOfAConfigurationDeletedBetweenItsReadAndItsWrite_answers404_andKeepsNoneOfItsInlineKeys()
      throws IOException {
    String id = Objects.requireNonNull(admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"doomed\"}")).id());
    store.deleteOnNextRead(id, () -> memory.deleteConfiguration(id));
    AdminResponse patch = call("PATCH", "/access-key-configurations/" + id, "{\"name\":\"renamed\",\"router\":"
        + "{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"name\":\"inline\","
        + "\"value\":\"sk-inline-0123456789abcdef\"}]}]}]}}");
    assertNotFoundLikeAGet(patch, "/access-key-configurations/" + id);
    assertThat(memory.configuration(id)).isNull();
    assertThat(memory.providerKeys()).as("the update's inline key is not left behind").isEmpty();
    // the Java API answers the same
    String other = Objects.requireNonNull(admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"other\"}")).id());
    store.deleteOnNextRead(other, () -> memory.deleteConfiguration(other));
    assertThat(notFound(() -> admin.configurations().update(other, ConfigurationChange.builder().name("x").build())))
        .isTrue();
  }

  @Test
  void aPatchOfACustomProviderDeletedBetweenItsReadAndItsWrite_answers404_andItStaysDeleted() throws IOException {
    admin.providers().create(CustomProvider.builder().providerId("vllm").baseUrl("https://vllm.example.com/v1")
        .models(List.of("llama3.2")));
    store.deleteOnNextRead("vllm", () -> memory.deleteProvider("vllm"));
    assertNotFoundLikeAGet(call("PATCH", "/providers/vllm", "{\"name\":\"renamed\"}"), "/providers/vllm");
    assertThat(memory.provider("vllm")).isNull();
  }

  @Test
  void aPatchOfAVirtualModelDeletedBetweenItsReadAndItsWrite_answers404_andItStaysDeleted() throws IOException {
    String id = admin.virtualModels().create("fast", null, List.of("gpt-4o-mini")).id();
    store.deleteOnNextRead(id, () -> memory.deleteVirtualModel(id));
    assertNotFoundLikeAGet(call("PATCH", "/virtual-models/" + id, "{\"description\":\"renamed\"}"),
        "/virtual-models/" + id);
    assertThat(memory.virtualModel(id)).isNull();
  }

  @Test
  void aPatchOfAnAdminKeyDeletedBetweenItsReadAndItsWrite_answers404_andTheKeyStaysRevoked() throws IOException {
    String id = admin.adminKeys().create(AdminKeyChange.builder().name("doomed").build()).key().id();
    store.deleteOnNextRead(id, () -> memory.deleteAdminKey(id));
    assertNotFoundLikeAGet(call("PATCH", "/api-keys/" + id, "{\"name\":\"renamed\"}"), "/api-keys/" + id);
    assertThat(memory.adminKey(id)).isNull();
    assertThat(memory.adminKeys(null, 10)).isEmpty();
  }

  private String providerKey() {
    return admin.providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("doomed")
        .value("sk-doomed-0123456789abcdef").build()).id();
  }

  /** The update's answer is the 404 a GET of the (now missing) resource answers: same status, code and message. */
  private void assertNotFoundLikeAGet(AdminResponse update, String path) throws IOException {
    assertThat(store.armed()).as("the store deleted the resource on the update's read").isFalse();
    assertThat(update.status()).as("status of " + update).isEqualTo(404);
    JsonNode body = JSON.readTree(update.json());
    assertThat(body.path("errorCode").asText()).isEqualTo("not_found");
    assertThat(body.path("statusCode").asInt()).isEqualTo(404);
    AdminResponse get = call("GET", path, "");
    assertThat(get.status()).isEqualTo(404);
    assertThat(body).as("the same error as a GET").isEqualTo(JSON.readTree(get.json()));
  }

  private static boolean notFound(Runnable update) {
    try {
      update.run();
      return false;
    } catch (dev.aigateway.GatewayException e) {
      return e.code() == dev.aigateway.ErrorCode.NOT_FOUND && e.status() == 404;
    }
  }

  private AdminResponse call(String method, String path, String body) throws IOException {
    return api.handle(method, path, null, "Bearer " + adminToken,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Deletes a resource right after the next read of its id returns it: what the update read is then already
   * deleted, as when another instance deletes it between the update's read and its write.
   */
  private static final class DeletingOnReadStore extends ForwardingKeyStore {
    private volatile @Nullable String doomed;
    private volatile @Nullable BooleanSupplier delete;

    DeletingOnReadStore(KeyStore delegate) {
      super(delegate);
    }

    void deleteOnNextRead(String id, BooleanSupplier deletion) {
      this.delete = deletion;
      this.doomed = id;
    }

    boolean armed() {
      return doomed != null;
    }

    private <T> @Nullable T read(String id, @Nullable T value) {
      BooleanSupplier d = delete;
      if (value != null && id.equals(doomed) && d != null) {
        doomed = null;
        delete = null;
        assertThat(d.getAsBoolean()).as("deleted " + id + " on its read").isTrue();
      }
      return value;
    }

    @Override
    public dev.aigateway.resource.@Nullable AccessKey accessKey(String id) {
      return read(id, super.accessKey(id));
    }

    @Override
    public dev.aigateway.config.@Nullable AccessKeyConfiguration configuration(String id) {
      return read(id, super.configuration(id));
    }

    @Override
    public dev.aigateway.resource.@Nullable ProviderKey providerKey(String id) {
      return read(id, super.providerKey(id));
    }

    @Override
    public @Nullable CustomProvider provider(String providerId) {
      return read(providerId, super.provider(providerId));
    }

    @Override
    public dev.aigateway.resource.@Nullable VirtualModel virtualModel(String id) {
      return read(id, super.virtualModel(id));
    }

    @Override
    public dev.aigateway.resource.@Nullable AdminKey adminKey(String id) {
      return read(id, super.adminKey(id));
    }
  }
}
