package dev.aigateway.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.jdbc.TestDatabase;
import dev.aigateway.redis.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §6 {@code --database} and {@code --redis}: two runnable servers on one PostgreSQL and one Redis act
 * as one gateway. A key created on one works on the other, a revocation on one is seen by the other within
 * a second, a per-key request limit is counted across both, and both keep one usage log and one credit balance.
 */
final class SharedServersTest {
  private static final String ADMIN = "aigak_shared_servers_admin_key_0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir
  Path dataA;
  @TempDir
  Path dataB;

  @Test
  void twoServersOnOneDatabaseAndOneRedis_shareKeysRevocationsAndLimits() throws Exception {
    String database = TestDatabase.get().newDatabaseUrl();
    byte[] master = new byte[32];
    new java.security.SecureRandom().nextBytes(master);
    Map<String, String> env = Map.of("AIGATEWAY_ADMIN_KEY", ADMIN,
        "AIGATEWAY_MASTER_KEY", Base64.getEncoder().encodeToString(master));
    try (TestRedis redis = TestRedis.start(); MockWebServer provider = new MockWebServer()) {
      provider.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
              .body("{\"id\":\"ok\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}").build();
        }
      });
      provider.start(InetAddress.getLoopbackAddress(), 0);
      String upstream = "openai=" + provider.url("/v1");
      try (GatewayServer a = start(dataA, env, database, redis.url(), upstream);
           GatewayServer b = start(dataB, env, database, redis.url(), upstream)) {
        assertThat(call(a, "POST", "/provider-keys", ADMIN,
            "{\"providerId\":\"openai\",\"name\":\"k\",\"value\":\"sk-shared-0123456789\"}").statusCode()).isEqualTo(201);
        String configuration = json(call(a, "POST", "/access-key-configurations", ADMIN,
            "{\"name\":\"limited\",\"limits\":{\"requestsPerMinute\":2}}")).get("id").asText();
        JsonNode key = json(call(a, "POST", "/access-keys", ADMIN,
            "{\"name\":\"shared\",\"accessKeyConfigurationId\":\"" + configuration + "\"}"));
        String token = key.get("token").asText();

        // created on A, served by B (its store follows A's change)
        assertThat(awaitStatus(b, token, 200)).isEqualTo(200);
        // two requests a minute for this key, counted across both servers (calendar minutes: start well
        // inside one, so that the three calls below fall in the same minute)
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 50_000) {
          Thread.sleep(60_000 - intoMinute + 100);
        }
        assertThat(chat(a, token).statusCode()).isEqualTo(200);
        assertThat(chat(b, token).statusCode()).isEqualTo(200);
        HttpResponse<String> over = chat(a, token);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("access_key_rate_limited");
        assertThat(chat(b, token).statusCode()).isEqualTo(429);

        // one usage log: the request A served and the one B served are listed and summed on either server
        // (each server writes its events within a second)
        JsonNode usage = awaitJson(b, "/usage", u -> u.get("items").size() == 2);
        assertThat(usage.get("items")).hasSize(2);
        JsonNode overview = awaitJson(a, "/usage/overview?groupBy=accessKey",
            o -> o.get("items").size() == 1 && o.get("items").get(0).get("requests").asInt() == 2);
        assertThat(overview.get("items").get(0).get("groupKey").asText()).isEqualTo(key.get("id").asText());

        // one credit balance: granted through A, shown by B within its one-second refresh
        assertThat(call(a, "POST", "/credits/grants", ADMIN, "{\"amountCents\":1234,\"description\":\"shared\"}")
            .statusCode()).isEqualTo(201);
        assertThat(awaitJson(b, "/credits/balance", bal -> bal.get("balanceCents").asLong() == 1234)
            .get("balanceCents").asLong()).isEqualTo(1234);
        assertThat(json(call(b, "GET", "/credits/transactions", ADMIN, null)).get("items").get(0).get("description")
            .asText()).isEqualTo("shared");

        // revoked on A: refused by B within a second
        assertThat(call(a, "DELETE", "/access-keys/" + key.get("id").asText(), ADMIN, null).statusCode())
            .isEqualTo(204);
        long t0 = System.nanoTime();
        assertThat(awaitStatus(b, token, 401)).isEqualTo(401);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("revocation seen by B, ms").isLessThan(1_000);
      }
    }
  }

  @Test
  void twoServersOnOneDatabase_withoutAConfiguredAdminKey_shareAdminKeys_andTheirRevocations() throws Exception {
    String database = TestDatabase.get().newDatabaseUrl();
    byte[] master = new byte[32];
    new java.security.SecureRandom().nextBytes(master);
    Map<String, String> env = Map.of("AIGATEWAY_MASTER_KEY", Base64.getEncoder().encodeToString(master));
    ByteArrayOutputStream printedA = new ByteArrayOutputStream();
    ByteArrayOutputStream printedB = new ByteArrayOutputStream();
    try (GatewayServer a = startWithoutRedis(dataA, env, database, printedA)) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "admin API key \\(shown once, only its hash is kept\\): (\\S+)")
          .matcher(printedA.toString(StandardCharsets.UTF_8));
      assertThat(m.find()).as("the first server generates and prints an admin key").isTrue();
      String initial = m.group(1);
      try (GatewayServer b = startWithoutRedis(dataB, env, database, printedB)) {
        assertThat(printedB.toString(StandardCharsets.UTF_8)).as("the second finds it in the database")
            .doesNotContain("admin API key");
        assertThat(call(b, "GET", "/api-keys", initial, null).statusCode()).isEqualTo(200);

        // created on A: accepted by B within a second
        JsonNode created = json(call(a, "POST", "/api-keys", initial, "{\"name\":\"ops\"}"));
        String token = created.get("token").asText();
        long t0 = System.nanoTime();
        assertThat(awaitAdmin(b, token, 200)).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("new admin key seen by B, ms").isLessThan(1_000);
        JsonNode listed = json(call(b, "GET", "/api-keys", token, null));
        assertThat(listed.get("aiGatewayApiKeys")).hasSize(2);
        assertThat(listed.toString()).doesNotContain(token).doesNotContain(initial);

        // deleted on A: refused by B within a second
        assertThat(call(a, "DELETE", "/api-keys/" + created.get("id").asText(), initial, null).statusCode())
            .isEqualTo(204);
        t0 = System.nanoTime();
        assertThat(awaitAdmin(b, token, 401)).isEqualTo(401);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("revocation seen by B, ms").isLessThan(1_000);
        // the last stored key stays: no admin key is configured on these servers
        HttpResponse<String> last = call(b, "DELETE", "/api-keys/" + initial.substring(0, initial.lastIndexOf('_')),
            initial, null);
        assertThat(last.statusCode()).isEqualTo(409);
        assertThat(last.body()).contains("is the last one");
      }
    }
  }

  /** Regression: each server kept /gateway-config in its own server.json, so a PATCH on A never reached B. */
  @Test
  void gatewayConfig_patchedOnOneServer_takesEffectOnTheOtherWithinASecond_andSurvivesRestartingBoth()
      throws Exception {
    String database = TestDatabase.get().newDatabaseUrl();
    Map<String, String> env = sharedEnv();
    String origin = "https://app.example.com";
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (GatewayServer a = startWithoutRedis(dataA, env, database, printed);
         GatewayServer b = startWithoutRedis(dataB, env, database, printed)) {
      assertThat(preflight(b, origin).statusCode()).as("CORS off on B before the change").isEqualTo(405);
      long t0 = System.nanoTime();
      HttpResponse<String> patched = call(a, "PATCH", "/gateway-config", ADMIN, "{\"creditsEnforced\":true,"
          + "\"corsAllowedOrigins\":[\"" + origin + "\"],\"maxAttempts\":3,\"accountId\":\"acct-shared\"}");
      assertThat(json(patched).get("maxAttempts").asInt()).isEqualTo(3);
      JsonNode seen = awaitJson(b, "/gateway-config", c -> c.get("maxAttempts").asInt() == 3);
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(seen.get("maxAttempts").asInt()).isEqualTo(3);
      assertThat(elapsedMs).as("PATCH on A seen by B, ms").isLessThanOrEqualTo(1_000);
      assertThat(seen.get("creditsEnforced").asBoolean()).isTrue();
      assertThat(seen.get("corsAllowedOrigins").toString()).isEqualTo("[\"" + origin + "\"]");
      assertThat(seen.get("accountId").asText()).isEqualTo("acct-shared");
      HttpResponse<String> allowed = preflight(b, origin);
      assertThat(allowed.statusCode()).as("a preflight B now allows").isEqualTo(204);
      assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
      assertThat(b.gateway().limits().maxAttempts()).isEqualTo(3);
      assertThat(b.gateway().accountSettings().creditsEnforced()).isTrue();
      assertThat(dataA.resolve("server.json")).as("kept in the database, not per server").doesNotExist();
    }
    // both restarted (B first): the database keeps it
    try (GatewayServer b = startWithoutRedis(dataB, env, database, printed);
         GatewayServer a = startWithoutRedis(dataA, env, database, printed)) {
      for (GatewayServer s : List.of(a, b)) {
        JsonNode config = json(call(s, "GET", "/gateway-config", ADMIN, null));
        assertThat(config.get("maxAttempts").asInt()).isEqualTo(3);
        assertThat(config.get("creditsEnforced").asBoolean()).isTrue();
        assertThat(config.get("corsAllowedOrigins").toString()).isEqualTo("[\"" + origin + "\"]");
        assertThat(preflight(s, origin).statusCode()).isEqualTo(204);
      }
    }
  }

  @Test
  void settingsSavedInServerJsonByAnEarlierVersion_moveIntoAnEmptyDatabaseOnce_andLoseToOneThatHasThem()
      throws Exception {
    String database = TestDatabase.get().newDatabaseUrl();
    Map<String, String> env = sharedEnv();
    // settings an earlier version saved per server: A's move into the empty database, B's lose to the database's
    java.nio.file.Files.writeString(dataA.resolve("server.json"), serverJson(5, "acct-from-a"));
    java.nio.file.Files.writeString(dataB.resolve("server.json"), serverJson(8, "acct-from-b"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (GatewayServer a = startWithoutRedis(dataA, env, database, printed)) {
      JsonNode moved = json(call(a, "GET", "/gateway-config", ADMIN, null));
      assertThat(moved.get("maxAttempts").asInt()).isEqualTo(5);
      assertThat(moved.get("accountId").asText()).isEqualTo("acct-from-a");
      assertThat(moved.get("perRequestTimeout").asText()).isEqualTo("30s");
      assertThat(moved.get("processingFeeCentsPerMillionTokens").asInt()).isEqualTo(7);
      assertThat(java.nio.file.Files.readString(dataA.resolve("server.json"))).as("moved into the database")
          .doesNotContain("gatewayConfig");
      try (GatewayServer b = startWithoutRedis(dataB, env, database, printed)) {
        JsonNode onB = json(call(b, "GET", "/gateway-config", ADMIN, null));
        assertThat(onB.get("maxAttempts").asInt()).as("the database's, not B's server.json").isEqualTo(5);
        assertThat(onB.get("accountId").asText()).isEqualTo("acct-from-a");
        assertThat(java.nio.file.Files.readString(dataB.resolve("server.json"))).as("left as it was")
            .contains("acct-from-b");
        call(b, "PATCH", "/gateway-config", ADMIN, "{\"maxAttempts\":6}");
      }
    }
    try (GatewayServer a = startWithoutRedis(dataA, env, database, printed)) {
      JsonNode config = json(call(a, "GET", "/gateway-config", ADMIN, null));
      assertThat(config.get("maxAttempts").asInt()).as("moved once: the later change stays").isEqualTo(6);
      assertThat(config.get("accountId").asText()).isEqualTo("acct-from-a");
    }
  }

  private static Map<String, String> sharedEnv() {
    byte[] master = new byte[32];
    new java.security.SecureRandom().nextBytes(master);
    return Map.of("AIGATEWAY_ADMIN_KEY", ADMIN, "AIGATEWAY_MASTER_KEY", Base64.getEncoder().encodeToString(master));
  }

  /** A {@code server.json} as earlier versions wrote it, with saved limits and account settings. */
  private static String serverJson(int maxAttempts, String accountId) {
    return "{\"format\":\"aigateway-server\",\"version\":1,\"adminKeys\":[],\"gatewayConfig\":{"
        + "\"maxRequestBytes\":1048576,\"totalTimeoutMs\":90000,\"perRequestTimeoutMs\":30000,\"maxAttempts\":"
        + maxAttempts + ",\"maxRetryWaitMs\":2000,\"creditsEnforced\":false,"
        + "\"processingFeeCentsPerMillionTokens\":7,\"maxInputTokens\":null,\"maxOutputTokens\":null,"
        + "\"metadata\":null,\"accountId\":\"" + accountId + "\",\"corsAllowedOrigins\":[]}}";
  }

  private HttpResponse<String> preflight(GatewayServer s, String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/chat/completions")).header("Origin", origin)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static GatewayServer startWithoutRedis(Path data, Map<String, String> env, String database,
      ByteArrayOutputStream printed) throws Exception {
    return GatewayServer.start(new String[] {"--port", "0", "--data", data.toString(), "--database", database}, env,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  /** Polls the management API until the admin token gets {@code status} (at most 2 s); answers the last status. */
  private int awaitAdmin(GatewayServer s, String token, int status) throws Exception {
    int last = -1;
    for (int i = 0; i < 200 && last != status; i++) {
      last = call(s, "GET", "/access-keys", token, null).statusCode();
      if (last != status) {
        Thread.sleep(10);
      }
    }
    return last;
  }

  private GatewayServer start(Path data, Map<String, String> env, String database, String redis, String upstream)
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    GatewayServer s = GatewayServer.start(new String[] {"--port", "0", "--data", data.toString(), "--database",
        database, "--redis", redis, "--allow-private-upstreams", "--upstream", upstream}, env,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("store: PostgreSQL (shared)")
        .contains("credits and usage: PostgreSQL (shared)").contains("limits and cooldowns: Redis (shared)")
        .doesNotContain("password");
    return s;
  }

  /** Polls B until the token gets {@code status} (at most 2 s); answers the last status seen. */
  private int awaitStatus(GatewayServer s, String token, int status) throws Exception {
    int last = -1;
    for (int i = 0; i < 200 && last != status; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/models"))
          .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
      last = r.statusCode();
      if (last != status) {
        Thread.sleep(10);
      }
    }
    return last;
  }

  /** Polls an admin path until {@code done} holds (at most 5 s); answers the last body. */
  private JsonNode awaitJson(GatewayServer s, String path, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    JsonNode last = null;
    for (int i = 0; i < 250; i++) {
      last = json(call(s, "GET", path, ADMIN, null));
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    return last;
  }

  private HttpResponse<String> chat(GatewayServer s, String token) throws Exception {
    return call(s, "POST", "/v1/chat/completions", token, "{\"model\":\"gpt-4o\",\"messages\":[]}");
  }

  private HttpResponse<String> call(GatewayServer s, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }
}
