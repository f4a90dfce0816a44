package dev.aigateway.spring.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.jdbc.JdbcCreditLedger;
import dev.aigateway.jdbc.JdbcKeyStore;
import dev.aigateway.jdbc.JdbcUsageLog;
import dev.aigateway.jdbc.TestDatabase;
import dev.aigateway.redis.RedisLimits;
import dev.aigateway.redis.TestRedis;
import dev.aigateway.spring.AiGatewayAutoConfiguration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code aigateway.store=jdbc} and {@code aigateway.redis.url}: two instances of one application (this test's
 * context and a second one started beside it), each on a real Tomcat, share one PostgreSQL (the application's
 * {@code DataSource}) and one Redis. A key created through one is served by the other, a per-key limit is
 * counted across both, and both show one credit balance and one usage log.
 */
@SpringBootTest(classes = SharedApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "aigateway.store=jdbc",
        "aigateway.allow-private-upstreams=true",
        "aigateway.admin.key=" + SharedStoreStarterTest.ADMIN_KEY,
        "AIGATEWAY_MASTER_KEY=" + SharedStoreStarterTest.MASTER_KEY})
final class SharedStoreStarterTest {
  static final String ADMIN_KEY = "admin-key-for-the-shared-store-test-01";
  static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dataA;
  @TempDir
  static Path dataB;
  static String database;
  static TestRedis redis;
  static MockWebServer provider;

  @Value("${local.server.port}")
  int port;
  @Autowired
  ApplicationContext context;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws IOException {
    database = TestDatabase.get().newDatabaseUrl();
    redis = TestRedis.start();
    provider = new MockWebServer();
    provider.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
            .body("{\"id\":\"ok\",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}").build();
      }
    });
    provider.start(InetAddress.getLoopbackAddress(), 0);
    registry.add("test.jdbc-url", () -> database);
    registry.add("aigateway.redis.url", () -> redis.url());
    registry.add("aigateway.data-dir", () -> dataA.toString());
    registry.add("aigateway.upstreams.openai", () -> provider.url("/v1").toString());
  }

  @AfterAll
  static void stop() {
    provider.close();
    redis.close();
  }

  private ConfigurableApplicationContext second() {
    return new SpringApplicationBuilder(SharedApplication.class).properties(
        "server.port=0", "server.address=127.0.0.1", "aigateway.store=jdbc", "aigateway.allow-private-upstreams=true",
        "aigateway.admin.key=" + ADMIN_KEY, "AIGATEWAY_MASTER_KEY=" + MASTER_KEY, "test.jdbc-url=" + database,
        "aigateway.redis.url=" + redis.url(), "aigateway.data-dir=" + dataB,
        "aigateway.upstreams.openai=" + provider.url("/v1")).run();
  }

  @Test
  void theGatewaysParts_areTheSharedOnes_onTheApplicationsDataSource() {
    Gateway gateway = context.getBean(Gateway.class);
    assertThat(gateway.keyStore()).isInstanceOf(JdbcKeyStore.class);
    assertThat(gateway.creditLedger()).isInstanceOf(JdbcCreditLedger.class);
    assertThat(gateway.usageLog()).isInstanceOf(JdbcUsageLog.class);
    assertThat(((JdbcKeyStore) gateway.keyStore()).dataSource()).isSameAs(context.getBean(javax.sql.DataSource.class));
    assertThat(context.getBean(AiGatewayAutoConfiguration.REDIS_BEAN)).isInstanceOf(RedisLimits.class);
  }

  @Test
  void twoInstances_shareKeysLimitsCreditsAndUsage() throws Exception {
    try (ConfigurableApplicationContext other = second()) {
      String a = "http://127.0.0.1:" + port;
      String b = "http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port");
      assertThat(admin(a, "POST", "/provider-keys",
          "{\"providerId\":\"openai\",\"name\":\"k\",\"value\":\"sk-spring-shared-0123456789\"}").statusCode())
          .isEqualTo(201);
      String configuration = json(admin(a, "POST", "/access-key-configurations",
          "{\"name\":\"limited\",\"limits\":{\"requestsPerMinute\":2}}")).get("id").asText();
      JsonNode key = json(admin(a, "POST", "/access-keys",
          "{\"name\":\"shared\",\"accessKeyConfigurationId\":\"" + configuration + "\"}"));
      String token = key.get("token").asText();

      // created through A, served by B
      int status = -1;
      for (int i = 0; i < 200 && status != 200; i++) {
        status = http.send(HttpRequest.newBuilder(URI.create(b + "/v1/models")).header("Authorization",
            "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        if (status != 200) {
          Thread.sleep(10);
        }
      }
      assertThat(status).isEqualTo(200);

      // two requests a minute, counted in Redis across both (calendar minutes: start well inside one)
      long intoMinute = System.currentTimeMillis() % 60_000;
      if (intoMinute > 50_000) {
        Thread.sleep(60_000 - intoMinute + 100);
      }
      assertThat(chat(a, token).statusCode()).isEqualTo(200);
      assertThat(chat(b, token).statusCode()).isEqualTo(200);
      HttpResponse<String> over = chat(a, token);
      assertThat(over.statusCode()).isEqualTo(429);
      assertThat(over.body()).contains("access_key_rate_limited");

      // one usage log, one balance
      JsonNode usage = await(a, "/usage", u -> u.get("items").size() == 2);
      assertThat(usage.get("items")).hasSize(2);
      assertThat(admin(b, "POST", "/credits/grants", "{\"amountCents\":250}").statusCode()).isEqualTo(201);
      assertThat(await(a, "/credits/balance", x -> x.get("balanceCents").asLong() == 250).get("balanceCents").asLong())
          .isEqualTo(250);
    }
  }

  @Test
  void gatewayConfigPatchedThroughOneInstance_takesEffectOnTheOtherWithinASecond() throws Exception {
    try (ConfigurableApplicationContext other = second()) {
      String a = "http://127.0.0.1:" + port;
      String b = "http://127.0.0.1:" + other.getEnvironment().getProperty("local.server.port");
      String origin = "https://spring.example.com";
      try {
        long t0 = System.nanoTime();
        assertThat(admin(a, "PATCH", "/gateway-config", "{\"corsAllowedOrigins\":[\"" + origin + "\"],"
            + "\"maxAttempts\":4}").statusCode()).isEqualTo(200);
        JsonNode seen = await(b, "/gateway-config", c -> c.get("maxAttempts").asInt() == 4);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(seen.get("maxAttempts").asInt()).isEqualTo(4);
        assertThat(elapsedMs).as("PATCH through A seen by B, ms").isLessThanOrEqualTo(1_000);
        assertThat(seen.get("corsAllowedOrigins").toString()).isEqualTo("[\"" + origin + "\"]");
        assertThat(other.getBean(Gateway.class).limits().maxAttempts()).isEqualTo(4);
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(b + "/v1/chat/completions"))
            .header("Origin", origin).header("Access-Control-Request-Method", "POST")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as("a preflight B allows").isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(dataB.resolve("server.json")).as("kept in the database, not in B's data directory")
            .doesNotExist();
      } finally {
        admin(b, "PATCH", "/gateway-config", "{\"corsAllowedOrigins\":null,\"maxAttempts\":null}");
        await(a, "/gateway-config", c -> c.get("maxAttempts").asInt() == 10);
      }
    }
  }

  private JsonNode await(String base, String path, Predicate<JsonNode> done) throws Exception {
    JsonNode last = null;
    for (int i = 0; i < 250; i++) {
      last = json(admin(base, "GET", path, null));
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    return last;
  }

  private HttpResponse<String> chat(String base, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> admin(String base, String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/aigateway" + path))
        .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }
}
