package dev.aigateway.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CORS for browser clients on the JDK server: preflights, headers on every answer, settings changed live. */
final class GatewayHttpHandlerCorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP = "https://app.example.com";
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String adminToken = AdminKeys.newToken();
  private FakeUpstream upstream;
  private Gateway gateway;
  private HttpServer server;
  private ExecutorService pool;
  private String base;
  private String token;

  @BeforeEach
  void setUp() throws IOException {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).maxRequestBytes(4096)
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value("sk-oa-a-00000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("browser").build()).token();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(adminToken);
    pool = GatewayHttpHandler.newExecutor(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, AdminHttpHandler.create(gateway, keys, null)));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
    pool.shutdownNow();
    gateway.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preflight(String path, String origin, String method, String headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Origin", origin)
        .header("Access-Control-Request-Method", method).header("Access-Control-Request-Headers", headers)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> chat(String origin, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).header("Origin", origin)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> patchConfig(String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + "/gateway-config")).header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
  }

  private static List<String> accessControlHeaders(HttpHeaders headers) {
    return headers.map().keySet().stream().filter(n -> n.toLowerCase(Locale.ROOT).startsWith("access-control-"))
        .toList();
  }

  private static void assertCorsFor(HttpResponse<String> r, String origin) {
    assertThat(r.headers().allValues("Access-Control-Allow-Origin")).as("exactly one, the origin").containsExactly(origin);
    assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("AIG-Request-Id", "AIG-Attempts", "AIG-Model", "AIG-Provider", "Retry-After");
    assertThat(r.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
  }

  /** Regression: a browser's preflight was answered 405, so no browser client could call the gateway. */
  @Test
  void regression_preflightWas405_nowAnAllowedOriginSetThroughGatewayConfigGets204() throws Exception {
    patchConfig("{\"corsAllowedOrigins\":[\"" + APP + "\"]}");
    HttpResponse<String> r = preflight("/v1/chat/completions", APP, "POST", "authorization,content-type");
    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
  }

  @Test
  void preflight_allowedOriginGets204WithoutAnAccessKey_anotherOriginA403WithNoCorsHeaders() throws Exception {
    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of(APP)));
    HttpResponse<String> ok = preflight("/v1/chat/completions", APP, "POST",
        "authorization, content-type, x-stainless-lang, x-stainless-retry-count");
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(ok.body()).isEmpty();
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
    assertThat(ok.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("authorization, content-type, x-stainless-lang, x-stainless-retry-count");
    assertThat(ok.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(ok.headers().firstValue("Vary")).hasValue("Origin");

    HttpResponse<String> models = preflight("/v1/models", APP, "GET", "authorization");
    assertThat(models.statusCode()).isEqualTo(204);
    assertThat(models.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, HEAD");

    HttpResponse<String> other = preflight("/v1/chat/completions", "https://evil.example", "POST", "authorization");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(accessControlHeaders(other.headers())).isEmpty();
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void successErrorsAndStreams_toAnAllowedOrigin_carryTheCorsHeaders_andTheProvidersOwnAreDropped() throws Exception {
    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of(APP)));
    upstream.forKey("sk-oa-a").always(FakeUpstream.json(200, "{\"id\":\"c1\"}")
        .header("Access-Control-Allow-Origin", "*").header("Access-Control-Allow-Credentials", "true"));
    HttpResponse<String> ok = chat(APP, "{\"model\":\"gpt-4o\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertCorsFor(ok, APP);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Credentials")).as("the provider's CORS is not ours")
        .isEmpty();

    upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: [DONE]\n\n"));
    HttpResponse<String> stream = chat(APP, "{\"model\":\"gpt-4o\",\"stream\":true}");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).isEqualTo("data: 1\n\ndata: [DONE]\n\n");
    assertCorsFor(stream, APP);

    upstream.forKey("sk-oa-a").always(FakeUpstream.reply(503));
    HttpResponse<String> failed = chat(APP, "{\"model\":\"gpt-4o\"}");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertCorsFor(failed, APP);

    HttpResponse<String> badKey = send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Origin", APP).header("Authorization", "Bearer ng-wrong")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")));
    assertThat(badKey.statusCode()).isEqualTo(401);
    assertCorsFor(badKey, APP);

    HttpResponse<String> tooLarge = chat(APP, "{\"model\":\"gpt-4o\",\"x\":\"" + "a".repeat(5000) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertCorsFor(tooLarge, APP);

    HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).header("Origin", APP)
        .header("Authorization", "Bearer " + token).GET());
    assertThat(models.statusCode()).isEqualTo(200);
    assertCorsFor(models, APP);
  }

  @Test
  void anotherOrigin_orCorsOff_getsNoCorsHeaders_onAnyAnswer() throws Exception {
    upstream.forKey("sk-oa-a").always(FakeUpstream.json(200, "{}").header("Access-Control-Allow-Origin", "*"));
    HttpResponse<String> off = chat(APP, "{\"model\":\"gpt-4o\"}");
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(accessControlHeaders(off.headers())).as("CORS off, and the provider's header dropped").isEmpty();
    assertThat(preflight("/v1/chat/completions", APP, "POST", "authorization").statusCode())
        .as("CORS off: OPTIONS is not served").isEqualTo(405);

    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of(APP)));
    HttpResponse<String> other = chat("https://evil.example", "{\"model\":\"gpt-4o\"}");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(accessControlHeaders(other.headers())).isEmpty();
  }

  @Test
  void gatewayConfig_roundTripsTheOrigins_normalized_andRefusesMalformedOnesByPath() throws Exception {
    HttpResponse<String> initial = send(HttpRequest.newBuilder(URI.create(base + "/gateway-config"))
        .header("Authorization", "Bearer " + adminToken).GET());
    assertThat(JSON.readTree(initial.body()).path("corsAllowedOrigins").isArray()).isTrue();
    assertThat(JSON.readTree(initial.body()).path("corsAllowedOrigins")).isEmpty();

    HttpResponse<String> patched = patchConfig("{\"corsAllowedOrigins\":[\"HTTPS://App.Example.com:443\",\"http://localhost:5173\"]}");
    assertThat(patched.statusCode()).isEqualTo(200);
    JsonNode origins = JSON.readTree(patched.body()).path("corsAllowedOrigins");
    assertThat(origins.toString()).isEqualTo("[\"https://app.example.com\",\"http://localhost:5173\"]");
    assertThat(preflight("/v1/messages", "http://localhost:5173", "POST", "x-api-key").statusCode())
        .as("in force at once").isEqualTo(204);

    HttpResponse<String> bad = patchConfig("{\"corsAllowedOrigins\":[\"https://ok.example\",\"https://app.example.com/chat\"]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("corsAllowedOrigins[1]").contains("path");
    HttpResponse<String> notArray = patchConfig("{\"corsAllowedOrigins\":\"https://app.example.com\"}");
    assertThat(notArray.statusCode()).isEqualTo(400);
    assertThat(notArray.body()).contains("corsAllowedOrigins").contains("array");
    assertThat(gateway.accountSettings().corsAllowedOrigins()).as("a refused PATCH changes nothing")
        .containsExactly("https://app.example.com", "http://localhost:5173");

    assertThat(patchConfig("{\"corsAllowedOrigins\":null}").statusCode()).isEqualTo(200);
    assertThat(gateway.accountSettings().corsAllowedOrigins()).isEmpty();
    assertThat(preflight("/v1/messages", "http://localhost:5173", "POST", "x-api-key").statusCode()).isEqualTo(405);
  }

  @Test
  void managementApi_isNotOpenedToCors() throws Exception {
    gateway.updateAccountSettings(gateway.accountSettings().withCorsAllowedOrigins(List.of("*")));
    HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(base + "/gateway-config")).header("Origin", APP)
        .header("Authorization", "Bearer " + adminToken).GET());
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(accessControlHeaders(read.headers())).isEmpty();
    HttpResponse<String> pre = preflight("/gateway-config", APP, "PATCH", "authorization");
    assertThat(pre.statusCode()).isNotEqualTo(204);
    assertThat(accessControlHeaders(pre.headers())).isEmpty();
  }
}
