package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAdminKey;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api-keys}: admin API keys kept in the store beside the configured admin token (DESIGN §5). */
final class AdminKeysApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";
  private final String configuredToken = AdminKeys.newToken();
  private final FakeClock clock = FakeClock.create();
  private Gateway gateway;
  private AdminKeys configured;
  private AdminApi api;

  @BeforeEach
  void setUp() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).build();
    configured = new AdminKeys();
    configured.allowToken(configuredToken);
    api = AdminApi.create(gateway, configured, null);
  }

  private AdminResponse call(String method, String path, @Nullable String query, String body) throws IOException {
    return call(api, configuredToken, method, path, query, body);
  }

  private static AdminResponse call(AdminApi api, String token, String method, String path, @Nullable String query,
      String body) throws IOException {
    return api.handle(method, path, query, "Bearer " + token,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode json(AdminResponse r) throws IOException {
    assertThat(r.json()).as("body of " + r).isNotNull();
    return JSON.readTree(r.json());
  }

  private static void assertAdminError(AdminResponse r, int status, String code, String msgPart) throws IOException {
    assertThat(r.status()).as("status of " + r).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.path("errorCode").asText()).isEqualTo(code);
    assertThat(n.path("statusCode").asInt()).isEqualTo(status);
    assertThat(n.path("msg").asText()).contains(msgPart);
  }

  private static String bodyText(AdminResponse r) {
    String json = r.json();
    return json == null ? "" : json;
  }

  @Test
  void create_showsTheTokenOnce_andListAndGetNeverShowIt() throws IOException {
    AdminResponse created = call("POST", "/api-keys", null,
        "{\"name\":\"ci\",\"description\":\"deploys\",\"metadata\":\"{\\\"team\\\":\\\"ops\\\"}\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode k = json(created);
    String id = k.path("id").asText();
    String token = k.path("token").asText();
    assertThat(id).startsWith("aigak_");
    assertThat(token).startsWith(id + "_").hasSize(id.length() + 41);
    assertThat(k.path("uri").asText()).isEqualTo("/api-keys/" + id);
    assertThat(k.path("name").asText()).isEqualTo("ci");
    assertThat(k.path("description").asText()).isEqualTo("deploys");
    assertThat(k.path("metadata").asText()).isEqualTo("{\"team\":\"ops\"}");
    assertThat(k.path("keyRedacted").asText()).startsWith(id.substring(0, 12)).contains("***")
        .endsWith(token.substring(token.length() - 4)).doesNotContain(token.substring(id.length() + 1, id.length() + 9));
    assertThat(k.path("lastUsed").isNull()).isTrue();
    assertThat(k.has("createdAt") && k.has("updatedAt") && k.has("createdBy") && k.has("lastUpdatedBy")).isTrue();
    assertThat(k.has("accessKeyConfiguration")).as("admin keys have no configuration link").isFalse();

    AdminResponse list = call("GET", "/api-keys", null, "");
    assertThat(list.status()).isEqualTo(200);
    JsonNode l = json(list);
    assertThat(l.path("aiGatewayApiKeys")).hasSize(1);
    assertThat(l.path("aiGatewayApiKeys").get(0).path("id").asText()).isEqualTo(id);
    assertThat(l.path("uri").asText()).isEqualTo("/api-keys");
    assertThat(l.path("nextPageUri").isNull()).isTrue();
    AdminResponse get = call("GET", "/api-keys/" + id, null, "");
    assertThat(get.status()).isEqualTo(200);
    assertThat(json(get).path("keyRedacted").asText()).isEqualTo(k.path("keyRedacted").asText());
    assertThat(call("HEAD", "/api-keys/" + id, null, "").status()).isEqualTo(200);
    for (AdminResponse r : new AdminResponse[] {list, get}) {
      assertThat(json(r).findValues("token")).isEmpty();
      assertThat(bodyText(r)).doesNotContain(token).doesNotContain(token.substring(id.length() + 1));
    }
  }

  @Test
  void theNewToken_authenticates_andItsUseIsRecordedAsLastUsed() throws IOException {
    JsonNode k = json(call("POST", "/api-keys", null, "{}"));
    String token = k.path("token").asText();
    clock.advance(Duration.ofMinutes(5));
    assertThat(call(api, token, "GET", "/access-keys", null, "").status()).isEqualTo(200);
    JsonNode read = json(call(api, token, "GET", "/api-keys/" + k.path("id").asText(), null, ""));
    assertThat(read.path("lastUsed").asText()).isEqualTo(clock.now().toString());
    assertThat(call(api, token + "x", "GET", "/access-keys", null, "").status()).isEqualTo(401);
    assertThat(call(api, token.substring(0, token.length() - 1), "GET", "/access-keys", null, "").status())
        .isEqualTo(401);
  }

  @Test
  void aKeyCreatedInJava_authenticatesTheHttpApiAtOnce_andADeletedOneIsRefusedAtOnce() throws IOException {
    CreatedAdminKey a = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("a").build());
    CreatedAdminKey b = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("b").build());
    assertThat(call(api, a.token(), "GET", "/api-keys", null, "").status()).isEqualTo(200); // read, now cached
    assertThat(call(api, b.token(), "DELETE", "/api-keys/" + a.key().id(), null, "").status()).isEqualTo(204);
    assertAdminError(call(api, a.token(), "GET", "/api-keys", null, ""), 401, "invalid_access_key",
        "A valid admin API key is required.");
    assertThat(call(api, b.token(), "GET", "/api-keys", null, "").status()).isEqualTo(200);
    assertAdminError(call("GET", "/api-keys/" + a.key().id(), null, ""), 404, "not_found", a.key().id());
    assertAdminError(call("DELETE", "/api-keys/" + a.key().id(), null, ""), 404, "not_found", a.key().id());
  }

  @Test
  void theLastStoredKey_cannotBeDeleted_whenNoTokenIsConfigured() throws IOException {
    AdminKeys none = new AdminKeys();
    String first = none.createInitialKeyIfNone(gateway.admin());
    assertThat(first).isNotNull();
    assertThat(none.createInitialKeyIfNone(gateway.admin())).as("only when there is none").isNull();
    AdminApi storeOnly = AdminApi.create(gateway, none, null);
    String firstId = AdminKeys.idOf(first);
    assertAdminError(call(storeOnly, first, "DELETE", "/api-keys/" + firstId, null, ""), 409, "conflict",
        "is the last one and cannot be deleted");
    assertThat(call(storeOnly, first, "GET", "/api-keys", null, "").status()).isEqualTo(200);

    String second = json(call(storeOnly, first, "POST", "/api-keys", null, "{\"name\":\"second\"}"))
        .path("token").asText();
    assertThat(call(storeOnly, second, "DELETE", "/api-keys/" + firstId, null, "").status()).isEqualTo(204);
    assertAdminError(call(storeOnly, second, "DELETE", "/api-keys/" + AdminKeys.idOf(second), null, ""), 409,
        "conflict", "Create another admin API key first");
    assertThatThrownBy(() -> gateway.admin().adminKeys().delete(AdminKeys.idOf(second)))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(call(storeOnly, second, "GET", "/api-keys", null, "").status()).isEqualTo(200);
  }

  @Test
  void rotationInJava_createsTheNewKey_thenDeletesTheOld() throws IOException {
    String oldId = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("old").build()).key().id();
    // --8<-- [start:admin-keys]
    CreatedAdminKey ci = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("ci").build());
    String token = ci.token(); // shown this once: "Authorization: Bearer <token>" on the management API
    gateway.admin().adminKeys().delete(oldId); // the last admin key in the store cannot be deleted (conflict)
    // --8<-- [end:admin-keys]
    assertThat(call(api, token, "GET", "/api-keys", null, "").status()).isEqualTo(200);
    assertThat(gateway.admin().adminKeys().list(null, 10).items()).extracting(AdminKey::name).containsExactly("ci");
  }

  @Test
  void theLastStoredKey_mayBeDeleted_whenATokenIsConfigured() throws IOException {
    String id = json(call("POST", "/api-keys", null, "{}")).path("id").asText();
    assertThat(call("DELETE", "/api-keys/" + id, null, "").status()).isEqualTo(204);
    assertThat(call("GET", "/api-keys", null, "").status()).as("the configured token still works").isEqualTo(200);
    assertThat(json(call("GET", "/api-keys", null, "")).path("aiGatewayApiKeys")).isEmpty();
  }

  @Test
  void anAccessKeyToken_isRefusedOnTheAdminApi_andAnAdminToken_onTheGatewaySurface() throws IOException {
    String accessToken = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();
    assertAdminError(call(api, accessToken, "GET", "/api-keys", null, ""), 401, "invalid_access_key",
        "A valid admin API key is required.");
    String adminToken = json(call("POST", "/api-keys", null, "{}")).path("token").asText();
    for (String token : new String[] {adminToken, configuredToken}) {
      assertThatThrownBy(() -> gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY)))
          .isInstanceOfSatisfying(GatewayException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY));
    }
  }

  @Test
  void badBodies_areRefusedNamingTheField_andNothingIsStored() throws IOException {
    assertAdminError(call("POST", "/api-keys", null, "{\"name\":123}"), 400, "invalid_configuration", "name");
    assertAdminError(call("POST", "/api-keys", null, "{\"name\":\"" + "n".repeat(256) + "\"}"), 400,
        "invalid_configuration", "name");
    assertAdminError(call("POST", "/api-keys", null, "{\"metadata\":\"" + "m".repeat(4097) + "\"}"), 400,
        "invalid_configuration", "metadata");
    assertAdminError(call("POST", "/api-keys", null, "{\"token\":\"aigak_mine\"}"), 400, "invalid_configuration",
        "token");
    assertAdminError(call("POST", "/api-keys", null, "{\"accessKeyConfigurationId\":\"aigac_x\"}"), 400,
        "invalid_configuration", "accessKeyConfigurationId");
    assertThat(call("POST", "/api-keys", null, "not json").status()).isEqualTo(400);
    assertThat(call("POST", "/api-keys", null, "[]").status()).isEqualTo(400);
    assertAdminError(call("GET", "/api-keys", "limit=0", ""), 400, "invalid_configuration", "limit");
    assertAdminError(call("GET", "/api-keys", "limit=101", ""), 400, "invalid_configuration", "limit");
    assertThat(call("PUT", "/api-keys", null, "{}").status()).isEqualTo(405);
    assertThat(call("GET", "/api-keys/aigak_x/extra", null, "").status()).isEqualTo(404);
    assertThat(gateway.admin().adminKeys().list(null, 10).items()).isEmpty();
  }

  @Test
  void patch_leavesOmittedFieldsAlone_andNullClears() throws IOException {
    JsonNode k = json(call("POST", "/api-keys", null, "{\"name\":\"ci\",\"description\":\"d\",\"metadata\":\"m\"}"));
    String id = k.path("id").asText();
    clock.advance(Duration.ofSeconds(3));
    AdminResponse patched = call("PATCH", "/api-keys/" + id, null, "{\"description\":null,\"name\":\"deploy\"}");
    assertThat(patched.status()).isEqualTo(200);
    JsonNode p = json(patched);
    assertThat(p.path("name").asText()).isEqualTo("deploy");
    assertThat(p.path("description").isNull()).isTrue();
    assertThat(p.path("metadata").asText()).isEqualTo("m");
    assertThat(p.path("keyRedacted").asText()).isEqualTo(k.path("keyRedacted").asText());
    assertThat(p.has("token")).isFalse();
    assertThat(p.path("updatedAt").asText()).isNotEqualTo(k.path("updatedAt").asText());
    assertAdminError(call("PATCH", "/api-keys/" + id, null, "{\"name\":7}"), 400, "invalid_configuration", "name");
    assertAdminError(call("PATCH", "/api-keys/aigak_missing", null, "{}"), 404, "not_found", "aigak_missing");
  }

  @Test
  void theList_pagesNewestFirst_withBeforeIdAndLimit() throws IOException {
    String[] ids = new String[5];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("k" + i).build()).key().id();
    }
    java.util.Arrays.sort(ids); // newest first is descending id order (ids of one millisecond differ at random)
    JsonNode first = json(call("GET", "/api-keys", "limit=2", ""));
    assertThat(first.path("aiGatewayApiKeys").findParents("keyRedacted").stream().map(n -> n.path("id").asText()).toList()).containsExactly(ids[4], ids[3]);
    assertThat(first.path("nextPageUri").asText()).isEqualTo("/api-keys?beforeId=" + ids[3] + "&limit=2");
    JsonNode second = json(call("GET", "/api-keys", "beforeId=" + ids[3] + "&limit=2", ""));
    assertThat(second.path("aiGatewayApiKeys").findParents("keyRedacted").stream().map(n -> n.path("id").asText()).toList()).containsExactly(ids[2], ids[1]);
    JsonNode last = json(call("GET", "/api-keys", "beforeId=" + ids[1] + "&limit=2", ""));
    assertThat(last.path("aiGatewayApiKeys").findParents("keyRedacted").stream().map(n -> n.path("id").asText()).toList()).containsExactly(ids[0]);
    assertThat(last.path("nextPageUri").isNull()).isTrue();
  }

  @Test
  void eightThreadsUsingAKey_whileItIsDeleted_noRequestSucceedsAfterTheDeleteReturns() throws Exception {
    CreatedAdminKey doomed = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("doomed").build());
    java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicInteger lateSuccesses = new AtomicInteger();
    AtomicInteger successes = new AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(8);
    java.util.List<java.util.concurrent.Future<?>> users = new java.util.ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        users.add(pool.submit(() -> {
          running.countDown();
          for (int i = 0; i < 400; i++) {
            boolean afterDelete = deleted.get(); // read before the request starts
            int status = call(api, doomed.token(), "GET", "/gateway-config", null, "").status();
            if (status == 200) {
              successes.incrementAndGet();
              if (afterDelete) {
                lateSuccesses.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      running.await();
      long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (successes.get() < 50 && System.nanoTime() < giveUp) {
        Thread.onSpinWait();
      }
      gateway.admin().adminKeys().delete(doomed.key().id(), configured);
      deleted.set(true);
      for (java.util.concurrent.Future<?> f : users) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(successes.get()).as("requests before the delete").isGreaterThanOrEqualTo(50);
    assertThat(lateSuccesses.get()).as("requests started after the delete returned that succeeded").isZero();
    assertThat(call(api, doomed.token(), "GET", "/gateway-config", null, "").status()).isEqualTo(401);
  }

  @Test
  void authentication_readsTheStoreOnceAfterEachChange_notPerRequest() throws IOException {
    AtomicInteger lists = new AtomicInteger();
    KeyStore counting = new ForwardingKeyStore(KeyStore.inMemory()) {
      @Override
      public java.util.List<AdminKey> adminKeys(@Nullable String beforeId, int limit) {
        lists.incrementAndGet();
        return super.adminKeys(beforeId, limit);
      }
    };
    Gateway g = Gateway.builder().keyStore(counting).clock(clock).build();
    String token = g.admin().adminKeys().create(AdminKeyChange.builder().build()).token();
    AdminApi a = AdminApi.create(g, new AdminKeys(), null);
    lists.set(0);
    for (int i = 0; i < 50; i++) {
      assertThat(call(a, token, "GET", "/access-keys", null, "").status()).isEqualTo(200);
      assertThat(call(a, "aigak_unknown_" + i, "GET", "/access-keys", null, "").status()).isEqualTo(401);
    }
    assertThat(lists.get()).isEqualTo(1);
    g.admin().accessKeys().create(AccessKeyChange.builder().build()); // another kind of change: no reload
    g.admin().adminKeys().create(AdminKeyChange.builder().build());
    assertThat(call(a, token, "GET", "/access-keys", null, "").status()).isEqualTo(200);
    assertThat(lists.get()).isEqualTo(2);
  }
}
