package dev.aigateway.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The management API without a server: the route table, the admin key check and the admin error shape
 * {@code {"errorCode","statusCode","msg","details"}}, as every HTTP adapter gets them.
 */
final class AdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String adminToken = AdminKeys.newToken();
  private Gateway gateway;
  private AdminApi api;

  @BeforeEach
  void setUp() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(FakeClock.create()).build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(adminToken);
    api = AdminApi.create(gateway, keys, null);
  }

  private AdminResponse call(String method, String path, @Nullable String query, String body) throws IOException {
    return api.handle(method, path, query, "Bearer " + adminToken,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private AdminResponse call(String method, String path) throws IOException {
    return call(method, path, null, "");
  }

  private static JsonNode json(AdminResponse r) throws IOException {
    assertThat(r.json()).as("body of " + r).isNotNull();
    return JSON.readTree(r.json());
  }

  private static void assertAdminError(AdminResponse r, int status, String code, String msg) throws IOException {
    assertThat(r.status()).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.path("errorCode").asText()).isEqualTo(code);
    assertThat(n.path("statusCode").asInt()).isEqualTo(status);
    assertThat(n.path("msg").asText()).isEqualTo(msg);
    assertThat(n.path("details").isObject()).as("details is an object").isTrue();
    assertThat(n.path("details").has("status")).as("the status override is not a detail").isFalse();
  }

  @Test
  void unknownTopLevelPath_is404InTheAdminErrorShape() throws IOException {
    assertAdminError(call("GET", "/no-such-thing"), 404, "not_found", "No such endpoint /no-such-thing.");
  }

  @Test
  void pathBelowAResourceThatIsNotServed_is404() throws IOException {
    String id = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("a").build()).key().id();
    assertAdminError(call("GET", "/access-keys/" + id + "/rotate"), 404, "not_found", "No such endpoint.");
    assertAdminError(call("GET", "/credits/other"), 404, "not_found", "No such endpoint.");
    assertAdminError(call("GET", "/gateway-config/x"), 404, "not_found", "No such endpoint.");
  }

  @ParameterizedTest
  @CsvSource({
      "PUT, /access-keys",
      "DELETE, /access-key-configurations",
      "PATCH, /provider-keys",
      "PUT, /providers/p",
      "POST, /virtual-models/vm_1",
      "GET, /provider-keys/pk_1/rotate",
      "DELETE, /gateway-config",
      "POST, /usage/requests/rq_1",
      "POST, /credits/balance"})
  void wrongMethod_is405InTheAdminErrorShape(String method, String path) throws IOException {
    assertAdminError(call(method, path, null, "{}"), 405, "not_found",
        "Method " + method + " is not supported here.");
  }

  @ParameterizedTest
  @CsvSource({
      "/access-keys, aiGatewayAccessKeys",
      "/access-key-configurations, aiGatewayAccessKeyConfigurations",
      "/provider-keys, aiGatewayProviderKeys",
      "/providers, aiGatewayProviders",
      "/virtual-models, aiGatewayVirtualModels"})
  void everyResourceList_isServedInItsWrapper(String path, String wrapper) throws IOException {
    AdminResponse r = call("GET", path);
    assertThat(r.status()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.path(wrapper).isArray()).as(wrapper).isTrue();
    assertThat(n.path("uri").asText()).isEqualTo(path);
    assertThat(n.path("nextPageUri").isNull()).isTrue();
  }

  @Test
  void singletonEndpoints_areServed() throws IOException {
    assertThat(json(call("GET", "/gateway-config")).path("uri").asText()).isEqualTo("/gateway-config");
    assertThat(json(call("GET", "/credits/balance")).has("balanceCents")).isTrue();
    assertAdminError(call("GET", "/usage/requests/rq_none"), 404, "not_found",
        "No request 'rq_none' in the recent request log.");
  }

  @Test
  void emptyPath_is404_beforeTheKeyIsChecked() throws IOException {
    AdminResponse r = api.handle("GET", "/", null, null, InputStream.nullInputStream());
    assertAdminError(r, 404, "not_found", "No such endpoint.");
  }

  @Test
  void missingOrWrongAdminKey_is401_andTheBodyIsNotRead() throws IOException {
    AtomicBoolean read = new AtomicBoolean();
    InputStream body = new InputStream() {
      @Override
      public int read() {
        read.set(true);
        return -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return len == 0 ? 0 : read();
      }
    };
    assertAdminError(api.handle("POST", "/access-keys", null, null, body), 401, "invalid_access_key",
        "A valid admin API key is required.");
    assertAdminError(api.handle("POST", "/access-keys", null, "Bearer " + AdminKeys.newToken(), body), 401,
        "invalid_access_key", "A valid admin API key is required.");
    assertThat(read).as("body read before the key was accepted").isFalse();
  }

  @Test
  void bearerScheme_isCaseInsensitive() throws IOException {
    AdminResponse r = api.handle("GET", "/access-keys", null, "bearer " + adminToken, InputStream.nullInputStream());
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void bodyOverOneMebibyte_is413() throws IOException {
    AdminResponse r = call("POST", "/access-keys", null, "x".repeat((1 << 20) + 1));
    assertAdminError(r, 413, "request_too_large", "Request body is larger than 1 MiB.");
  }

  @Test
  void createIs201_deleteIs204WithoutBody_thenTheKeyIsGone() throws IOException {
    AdminResponse created = call("POST", "/access-keys", null, "{\"name\":\"web\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode key = json(created);
    assertThat(key.path("token").asText()).isNotEmpty();
    String id = key.path("id").asText();

    AdminResponse deleted = call("DELETE", "/access-keys/" + id);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.json()).isNull();
    assertAdminError(call("GET", "/access-keys/" + id), 404, "not_found", "No access key '" + id + "'.");
  }

  @Test
  void listPages_carryBeforeIdAndLimitInNextPageUri() throws IOException {
    for (String name : new String[] {"a", "b", "c"}) {
      gateway.admin().accessKeys().create(AccessKeyChange.builder().name(name).build());
    }
    JsonNode first = json(call("GET", "/access-keys", "limit=2", ""));
    assertThat(first.path("aiGatewayAccessKeys")).hasSize(2);
    String lastId = first.path("aiGatewayAccessKeys").get(1).path("id").asText();
    assertThat(first.path("nextPageUri").asText()).isEqualTo("/access-keys?beforeId=" + lastId + "&limit=2");

    JsonNode second = json(call("GET", "/access-keys", "beforeId=" + lastId + "&limit=2", ""));
    assertThat(second.path("aiGatewayAccessKeys")).hasSize(1);
    assertThat(second.path("nextPageUri").isNull()).isTrue();
  }

  @Test
  void badLimit_is400NamingTheField() throws IOException {
    AdminResponse notANumber = call("GET", "/providers", "limit=ten", "");
    assertThat(notANumber.status()).isEqualTo(400);
    assertThat(json(notANumber).path("msg").asText()).contains("limit");
    assertThat(call("GET", "/providers", "limit=101", "").status()).isEqualTo(400);
  }

  @Test
  void aRefusedBody_isAnAdminErrorNamingTheField() throws IOException {
    AdminResponse r = call("POST", "/virtual-models", null, "{\"name\":\"fast\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).path("msg").asText()).contains("targets");
  }

  /** Regression: the admin API stored invalid UTF-8 as U+FFFD and answered 200. */
  @Test
  void invalidUtf8InABody_is400_andNothingIsStored() throws IOException {
    byte[][] bodies = {
        {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
        {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'a', (byte) 0xFF, '"', '}'},
    };
    for (String path : new String[] {"/access-keys", "/access-key-configurations", "/virtual-models"}) {
      for (byte[] body : bodies) {
        AdminResponse r = api.handle("POST", path, null, "Bearer " + adminToken, new ByteArrayInputStream(body));
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(json(r).path("errorCode").asText()).isEqualTo("invalid_configuration");
        assertThat(json(r).path("msg").asText()).as(path).contains("UTF-8");
      }
    }
    assertThat(gateway.admin().accessKeys().list(null, 10).items()).isEmpty();
    assertThat(gateway.admin().configurations().list(null, 10).items()).isEmpty();
  }
}
