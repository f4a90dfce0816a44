package dev.aigateway.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.tokenizer.O200kTokenCounter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server: flags, the demo, the management API with the reference's bodies, restarts. */
final class GatewayServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADMIN = "aigak_test_admin_key_0123456789abcdef";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir
  Path data;
  private GatewayServer server;
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private GatewayServer start(Map<String, String> env, String... extra) throws Exception {
    String[] args = new String[extra.length + 4];
    args[0] = "--port";
    args[1] = "0";
    args[2] = "--data";
    args[3] = data.toString();
    System.arraycopy(extra, 0, args, 4, extra.length);
    server = GatewayServer.start(args, env, new PrintStream(printed, true, StandardCharsets.UTF_8));
    return server;
  }

  private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void demo_printsTheListeningLine_theTokenOnce_andAVisibleFailover() throws Exception {
    start(Map.of(), "--demo");
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(out).containsPattern("listening on http://127\\.0\\.0\\.1:\\d+");
    assertThat(out).contains("admin API key (shown once");
    assertThat(out).contains("attempt 1: openai/gpt-4o with aigpk_").contains("-> 429 next_key");
    assertThat(out).contains("-> 200 succeeded");
    Matcher dashboard = Pattern.compile("demo: dashboard: (http://\\S+/dashboard/)").matcher(out);
    assertThat(dashboard.find()).as("the demo names the dashboard's address").isTrue();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1))).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body()).contains("<title>AI Gateway dashboard");
    Matcher m = Pattern.compile("access key \\(shown once\\): (ng-\\S+)").matcher(out);
    assertThat(m.find()).isTrue();
    String token = m.group(1);
    HttpResponse<String> r = call("POST", "/v1/chat/completions", token,
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Hello from the demo provider!");
    HttpResponse<String> messages = call("POST", "/v1/messages", token,
        "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(messages.statusCode()).isEqualTo(200);
    assertThat(messages.headers().firstValue("AIG-Provider")).hasValue("anthropic");
    // the token printed once is never stored
    try (var files = Files.walk(data)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).doesNotContain(token.substring(29, 61));
      }
    }
  }

  /**
   * Regression: each --demo start deleted the demo's resources by name and made them again. With a key of the
   * operator's linked to the demo configuration, the next start failed (409: the configuration is still
   * referenced) after deleting the demo's access key; and provider keys of the operator named {@code demo-...}
   * were deleted.
   */
  @Test
  void demoRestart_withAnOwnKeyOnTheDemoConfiguration_startsAndLeavesTheOperatorsResources() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--demo");
    JsonNode configs = json(call("GET", "/access-key-configurations", ADMIN, null));
    String demoConfig = null;
    for (JsonNode c : configs.path("aiGatewayAccessKeyConfigurations")) {
      if (c.path("name").asText().equals("Demo: OpenAI with failover")) {
        demoConfig = c.path("id").asText();
      }
    }
    assertThat(demoConfig).isNotNull();
    HttpResponse<String> mine = call("POST", "/access-keys", ADMIN,
        "{\"name\":\"Production web app\",\"accessKeyConfigurationId\":\"" + demoConfig + "\"}");
    assertThat(mine.statusCode()).isEqualTo(201);
    String myToken = json(mine).path("token").asText();
    assertThat(call("POST", "/provider-keys", ADMIN,
        "{\"providerId\":\"openai\",\"name\":\"demo-mine\",\"value\":\"sk-operator-own-000000\"}").statusCode())
        .isEqualTo(201);
    server.close();
    printed.reset();

    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--demo");
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("-> 200 succeeded").doesNotContain("error");
    HttpResponse<String> served = call("POST", "/v1/chat/completions", myToken,
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(served.statusCode()).as("the operator's key on the demo configuration still works").isEqualTo(200);
    JsonNode providerKeys = json(call("GET", "/provider-keys", ADMIN, null));
    assertThat(providerKeys.toString()).contains("demo-mine");
    assertThat(providerKeys.findValues("name").stream().map(JsonNode::asText).filter("demo-primary"::equals))
        .as("the demo's keys are reused, not made twice").hasSize(1);
    JsonNode configsAgain = json(call("GET", "/access-key-configurations", ADMIN, null));
    assertThat(configsAgain.findValues("name").stream().map(JsonNode::asText)
        .filter("Demo: OpenAI with failover"::equals)).hasSize(1);
    assertThat(configsAgain.toString()).contains(demoConfig);
  }

  /** Regression: --help was an error (exit 2, on stderr); an unreachable --database printed a stack trace. */
  @Test
  void help_printsTheUsageAndExitsZero_andStartFailuresAreOneLineNamingTheFlag() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.util.List<Integer> exits = new java.util.ArrayList<>();
    assertThat(GatewayServer.launch(new String[] {"--help"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), exits::add)).isNull();
    assertThat(exits).containsExactly(0);
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: java -jar gateway-server.jar");
    assertThat(err.size()).isZero();

    exits.clear();
    String secret = "pw-never-printed-0123";
    assertThat(GatewayServer.launch(new String[] {"--port", "0", "--data", data.toString(), "--database",
        "jdbc:postgresql://127.0.0.1:1/x?user=u&password=" + secret + "&connectTimeout=2"}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        exits::add)).isNull();
    assertThat(exits).containsExactly(1);
    String error = err.toString(StandardCharsets.UTF_8);
    assertThat(error).startsWith("error: --database: cannot open the store: ").doesNotContain(secret)
        .doesNotContain("\tat ");
    assertThat(error.strip().lines()).hasSize(1);

    // a busy port: the message names the flags
    try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      err.reset();
      exits.clear();
      assertThat(GatewayServer.launch(new String[] {"--port", String.valueOf(busy.getLocalPort()), "--data",
          data.resolve("other").toString()}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), exits::add)).isNull();
      assertThat(exits).containsExactly(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: cannot listen on 127.0.0.1:"
          + busy.getLocalPort() + " (--host, --port)");
    }
  }

  @Test
  void managementApi_acceptsTheReferenceBodiesVerbatim() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    HttpResponse<String> pk = call("POST", "/provider-keys", ADMIN,
        "{\"providerId\":\"openai\",\"name\":\"primary\",\"value\":\"sk-live-0123456789abcdef\"}");
    assertThat(pk.statusCode()).isEqualTo(201);
    String pkId = json(pk).get("id").asText();
    assertThat(json(pk).get("keyRedacted").asText()).contains("***");
    assertThat(pk.body()).doesNotContain("sk-live-0123456789abcdef");

    String create = new String(getClass().getResourceAsStream("/reference-create-configuration.json").readAllBytes(),
        StandardCharsets.UTF_8).replace("aigpk_xxxxx", pkId);
    HttpResponse<String> cfg = call("POST", "/access-key-configurations", ADMIN, create);
    assertThat(cfg.statusCode()).isEqualTo(201);
    JsonNode c = json(cfg);
    assertThat(c.get("id").asText()).startsWith("aigac_");
    assertThat(c.at("/router/rules/0/steps/0/keys/0/id").asText()).isEqualTo(pkId);
    assertThat(c.at("/router/rules/0/steps/0/keys/0/name").asText()).isEqualTo("primary");
    assertThat(c.at("/router/rules/0/steps/0/keys/0/keyRedacted").asText()).contains("***");

    HttpResponse<String> key = call("POST", "/access-keys", ADMIN, "{ \"name\": \"Production web app\" }");
    assertThat(key.statusCode()).isEqualTo(201);
    String keyId = json(key).get("id").asText();
    String token = json(key).get("token").asText();
    assertThat(token).startsWith("ng-");
    HttpResponse<String> linked = call("PATCH", "/access-keys/" + keyId, ADMIN,
        "{ \"accessKeyConfigurationId\": \"" + c.get("id").asText() + "\" }");
    assertThat(json(linked).at("/accessKeyConfiguration/name").asText()).isEqualTo("Production OpenAI BYOK");
    assertThat(json(linked).has("token")).isFalse();
    assertThat(json(call("GET", "/access-keys/" + keyId, ADMIN, null)).has("token")).isFalse();

    // deleting what is still referenced is a conflict, in the management error shape
    HttpResponse<String> conflict = call("DELETE", "/access-key-configurations/" + c.get("id").asText(), ADMIN, null);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict).get("errorCode").asText()).isEqualTo("conflict");
    assertThat(json(conflict).get("statusCode").asInt()).isEqualTo(409);
    assertThat(json(conflict).has("msg")).isTrue();
    assertThat(json(conflict).has("details")).isTrue();
    assertThat(call("DELETE", "/provider-keys/" + pkId, ADMIN, null).statusCode()).isEqualTo(409);

    // PATCH: null clears, omitted stays
    HttpResponse<String> cleared = call("PATCH", "/access-keys/" + keyId, ADMIN, "{\"accessKeyConfigurationId\":null}");
    assertThat(json(cleared).get("accessKeyConfiguration").isNull()).isTrue();
    assertThat(json(cleared).get("name").asText()).isEqualTo("Production web app");
    assertThat(call("DELETE", "/access-keys/" + keyId, ADMIN, null).statusCode()).isEqualTo(204);
    assertThat(call("GET", "/access-keys/" + keyId, ADMIN, null).statusCode()).isEqualTo(404);
  }

  @Test
  void managementApi_refusesAccessKeys_badBodiesByPath_andPages() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    String token = json(call("POST", "/access-keys", ADMIN, "{}")).get("token").asText();
    assertThat(call("GET", "/access-keys", token, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/access-keys", null, null).statusCode()).isEqualTo(401);

    HttpResponse<String> bad = call("POST", "/access-key-configurations", ADMIN,
        "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[]}]}]}}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).get("msg").asText())
        .isEqualTo("router.rules[0].steps[0].keys: must not be empty for a user step");
    assertThat(json(bad).at("/details/path").asText()).isEqualTo("router.rules[0].steps[0].keys");
    assertThat(call("POST", "/access-key-configurations", ADMIN, "{not json").statusCode()).isEqualTo(400);
    assertThat(json(call("GET", "/access-key-configurations", ADMIN, null)).get("aiGatewayAccessKeyConfigurations"))
        .isEmpty();

    for (int i = 0; i < 4; i++) {
      call("POST", "/access-keys", ADMIN, "{\"name\":\"k" + i + "\"}");
    }
    JsonNode page1 = json(call("GET", "/access-keys?limit=2", ADMIN, null));
    assertThat(page1.get("aiGatewayAccessKeys")).hasSize(2);
    String next = page1.get("nextPageUri").asText();
    assertThat(next).startsWith("/access-keys?beforeId=aigk_");
    JsonNode page2 = json(call("GET", next, ADMIN, null));
    assertThat(page2.get("aiGatewayAccessKeys")).hasSize(2);
    JsonNode page3 = json(call("GET", page2.get("nextPageUri").asText(), ADMIN, null));
    assertThat(page3.get("aiGatewayAccessKeys")).hasSize(1);
    assertThat(page3.get("nextPageUri").isNull()).isTrue();
    assertThat(call("GET", "/access-keys?limit=101", ADMIN, null).statusCode()).isEqualTo(400);
  }

  @Test
  void everythingAcknowledged_survivesARestart_includingGatewayConfig() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    call("POST", "/provider-keys", ADMIN, "{\"providerId\":\"anthropic\",\"name\":\"a\",\"value\":\"sk-ant-000111222333\"}");
    String token = json(call("POST", "/access-keys", ADMIN, "{\"name\":\"persist\"}")).get("token").asText();
    HttpResponse<String> patched = call("PATCH", "/gateway-config", ADMIN,
        "{\"totalTimeout\":\"90s\",\"perRequestTimeout\":\"30s\"}");
    assertThat(json(patched).get("totalTimeout").asText()).isEqualTo("90s");
    assertThat(call("PATCH", "/gateway-config", ADMIN, "{\"totalTimeout\":\"soon\"}").statusCode()).isEqualTo(400);
    server.close();
    server = null;
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(json(call("GET", "/access-keys", ADMIN, null)).get("aiGatewayAccessKeys")).hasSize(1);
    assertThat(json(call("GET", "/gateway-config", ADMIN, null)).get("perRequestTimeout").asText()).isEqualTo("30s");
    assertThat(server.gateway().authenticate(token).name()).isEqualTo("persist");
    assertThat(server.gateway().tokenCounter()).as("exact estimates").isInstanceOf(O200kTokenCounter.class);
    assertThat(server.gateway().keyStore().providerKeys().get(0).value().reveal()).isEqualTo("sk-ant-000111222333");
  }

  @Test
  void credits_andTheAccountSettings_surviveARestart_andEnforcementRefusesAtZero() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    String token = json(call("POST", "/access-keys", ADMIN, "{\"name\":\"paying\"}")).get("token").asText();
    HttpResponse<String> grant = call("POST", "/credits/grants", ADMIN, "{\"amountCents\":1234,\"description\":\"x\"}");
    assertThat(grant.statusCode()).isEqualTo(201);
    JsonNode patched = json(call("PATCH", "/gateway-config", ADMIN,
        "{\"creditsEnforced\":true,\"maxInputTokens\":4096,\"metadata\":\"m\",\"accountId\":\"acct\"}"));
    assertThat(patched.get("creditsEnforced").asBoolean()).isTrue();
    server.close();
    server = null;
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(json(call("GET", "/credits/balance", ADMIN, null)).get("balanceCents").asLong()).isEqualTo(1234);
    assertThat(json(call("GET", "/credits/transactions", ADMIN, null)).get("items")).hasSize(1);
    JsonNode config = json(call("GET", "/gateway-config", ADMIN, null));
    assertThat(config.get("creditsEnforced").asBoolean()).isTrue();
    assertThat(config.get("maxInputTokens").asLong()).isEqualTo(4096);
    assertThat(config.get("metadata").asText()).isEqualTo("m");
    assertThat(config.get("accountId").asText()).isEqualTo("acct");
    assertThat(config.get("processingFeeCentsPerMillionTokens").asLong()).isEqualTo(5);
    server.gateway().creditLedger().charge(new dev.aigateway.spi.CreditLedger.Charge("rq_x", "aigk_x", "openai",
        "gpt-4o", false, 0, 0, 1234L * 1_000_000, 0));
    HttpResponse<String> refused = call("POST", "/v1/chat/completions", token, "{\"model\":\"gpt-4o\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("error").get("code").asText()).isEqualTo("insufficient_credits");
  }

  private HttpResponse<String> preflight(String path, String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Origin", origin)
        .header("Access-Control-Request-Method", "POST").header("Access-Control-Request-Headers", "authorization")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void corsAllowedOrigins_setThroughGatewayConfig_applyAtOnce_andSurviveARestart() throws Exception {
    String origin = "https://app.example.com";
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(preflight("/v1/chat/completions", origin).statusCode()).as("CORS off by default").isEqualTo(405);
    HttpResponse<String> patched = call("PATCH", "/gateway-config", ADMIN,
        "{\"corsAllowedOrigins\":[\"HTTPS://APP.example.com\"]}");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(json(patched).get("corsAllowedOrigins").toString()).isEqualTo("[\"" + origin + "\"]");
    HttpResponse<String> now = preflight("/v1/chat/completions", origin);
    assertThat(now.statusCode()).isEqualTo(204);
    assertThat(now.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    server.close();
    server = null;
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(json(call("GET", "/gateway-config", ADMIN, null)).get("corsAllowedOrigins").toString())
        .isEqualTo("[\"" + origin + "\"]");
    HttpResponse<String> afterRestart = preflight("/v1/chat/completions", origin);
    assertThat(afterRestart.statusCode()).isEqualTo(204);
    assertThat(afterRestart.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    assertThat(preflight("/v1/chat/completions", "https://evil.example").statusCode()).isEqualTo(403);
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/models"))
        .header("Origin", origin).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(models.statusCode()).isEqualTo(401);
    assertThat(models.headers().firstValue("Access-Control-Allow-Origin")).as("errors are readable too").hasValue(origin);
    HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/gateway-config"))
        .header("Origin", origin).header("Authorization", "Bearer " + ADMIN).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(admin.headers().firstValue("Access-Control-Allow-Origin")).as("the management API stays same-origin")
        .isEmpty();
  }

  /** The demo's streams report their usage as the providers do, so a streamed request's usage event has it. */
  @Test
  void demoStreams_reportUsageAndStopReason_asTheProvidersDo() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--demo");
    Matcher m = Pattern.compile("access key \\(shown once\\): (ng-\\S+)").matcher(printed.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    HttpResponse<String> openai = call("POST", "/v1/chat/completions", m.group(1), "{\"model\":\"gpt-4o\",\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(openai.body()).contains("\"finish_reason\":\"stop\"").contains("\"total_tokens\":19").endsWith("data: [DONE]\n\n");
    HttpResponse<String> anthropic = call("POST", "/v1/messages", m.group(1), "{\"model\":\"claude-sonnet-4-6\","
        + "\"max_tokens\":20,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(anthropic.body()).contains("event: message_start").contains("\"stop_reason\":\"end_turn\"");
    for (String id : List.of(openai.headers().firstValue("AIG-Request-Id").orElseThrow(),
        anthropic.headers().firstValue("AIG-Request-Id").orElseThrow())) {
      JsonNode event = null;
      for (int i = 0; i < 100 && event == null; i++) { // a stream's event is recorded when it ends
        for (JsonNode e : json(call("GET", "/usage", ADMIN, null)).get("items")) {
          if (e.path("requestId").asText().equals(id)) {
            event = e;
          }
        }
        if (event == null) {
          Thread.sleep(20);
        }
      }
      assertThat(event).as("the usage event of %s", id).isNotNull();
      assertThat(event.path("inputTokens").asLong()).isEqualTo(12);
      assertThat(event.path("outputTokens").asLong()).isEqualTo(7);
      assertThat(event.path("stopReason").asText()).isIn("stop", "end_turn");
    }
  }

  @Test
  void usageEvents_ofTheDemoFailover_areServed_andSurviveARestart() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--demo"); // the demo's first request fails over: 429, then 200
    JsonNode events = json(call("GET", "/usage", ADMIN, null)).get("items");
    assertThat(events.size()).isGreaterThanOrEqualTo(2);
    assertThat(json(call("GET", "/usage?includeRetries=false", ADMIN, null)).get("items").size())
        .isLessThan(events.size());
    JsonNode overview = json(call("GET", "/usage/overview?groupBy=provider", ADMIN, null)).get("items");
    assertThat(overview).isNotEmpty();
    server.close();
    server = null;
    assertThat(data.resolve("usage")).isDirectoryContaining("glob:**/*.jsonl");
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(json(call("GET", "/usage", ADMIN, null)).get("items")).isEqualTo(events);
    assertThat(json(call("GET", "/usage/overview?groupBy=provider", ADMIN, null)).get("items")).isEqualTo(overview);
  }

  @Test
  void aGeneratedAdminKey_isPrintedOnce_andWorksAfterARestart() throws Exception {
    start(Map.of());
    Matcher m = Pattern.compile("admin API key \\(shown once, only its hash is kept\\): (\\S+)")
        .matcher(printed.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    String admin = m.group(1);
    server.close();
    printed.reset();
    server = null;
    start(Map.of());
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("admin API key");
    assertThat(call("GET", "/access-keys", admin, null).statusCode()).isEqualTo(200);
    // kept in the store as the admin API key "initial": listed, never with its token, and never on disk
    HttpResponse<String> listed = call("GET", "/api-keys", admin, null);
    assertThat(json(listed).get("aiGatewayApiKeys")).singleElement()
        .satisfies(k -> assertThat(k.get("name").asText()).isEqualTo("initial"))
        .satisfies(k -> assertThat(admin).startsWith(k.get("id").asText() + "_"));
    assertThat(listed.body()).doesNotContain(admin);
    try (var files = Files.walk(data)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(admin.substring(admin.lastIndexOf('_') + 1));
      }
    }
    // the only stored key cannot be deleted (no AIGATEWAY_ADMIN_KEY here)
    String id = admin.substring(0, admin.lastIndexOf('_'));
    assertThat(call("DELETE", "/api-keys/" + id, admin, null).statusCode()).isEqualTo(409);
  }

  @Test
  void withAnAdminKeyInTheEnvironment_noKeyIsGenerated_andTheLastStoredKeyMayGo() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("admin API key");
    assertThat(json(call("GET", "/api-keys", ADMIN, null)).get("aiGatewayApiKeys")).isEmpty();
    JsonNode created = json(call("POST", "/api-keys", ADMIN, "{\"name\":\"ops\"}"));
    String token = created.get("token").asText();
    assertThat(call("GET", "/access-keys", token, null).statusCode()).isEqualTo(200);
    assertThat(call("DELETE", "/api-keys/" + created.get("id").asText(), ADMIN, null).statusCode()).isEqualTo(204);
    assertThat(call("GET", "/access-keys", token, null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/access-keys", ADMIN, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aDataDirectoryFromTheVersionBeforeServerJson_keepsItsGeneratedAdminKey_andLimits() throws Exception {
    String oldAdmin = dev.aigateway.admin.AdminKeys.newToken();
    byte[] oldDigest = new dev.aigateway.admin.AdminKeys().digestOf(oldAdmin);
    String digest = java.util.Base64.getEncoder().encodeToString(oldDigest);
    try (dev.aigateway.store.DataDirectoryKeyStore store = dev.aigateway.store.DataDirectoryKeyStore.open(data, null)) {
      dev.aigateway.Gateway.builder().keyStore(store).build().admin().accessKeys()
          .create(dev.aigateway.admin.AccessKeyChange.builder().name("from before").build());
    }
    // the server used to keep its admin key digest and /gateway-config in store.log, then without checksums
    List<String> lines = new java.util.ArrayList<>();
    lines.add("{\"format\":\"aigateway-store\",\"version\":1}");
    for (String line : Files.readAllLines(data.resolve("store.log")).subList(1, 2)) {
      lines.add(line.replaceAll(",\"crc32c\":\"[0-9a-f]{8}\"}$", "}"));
    }
    lines.add("{\"op\":\"put\",\"type\":\"x:adminKey\",\"data\":{\"id\":\"aigak_old\",\"digest\":\"" + digest
        + "\",\"createdAt\":\"2025-12-01T00:00:00Z\"}}");
    lines.add("{\"op\":\"put\",\"type\":\"x:gatewayConfig\",\"data\":{\"id\":\"default\",\"perRequestTimeoutMs\":30000}}");
    Files.write(data.resolve("store.log"), lines);

    for (int start = 0; start < 2; start++) {
      start(Map.of());
      assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("admin API key");
      HttpResponse<String> keys = call("GET", "/access-keys", oldAdmin, null);
      assertThat(keys.statusCode()).isEqualTo(200);
      assertThat(json(keys).get("aiGatewayAccessKeys").findValuesAsText("name")).contains("from before");
      assertThat(json(call("GET", "/gateway-config", oldAdmin, null)).get("perRequestTimeout").asText())
          .isEqualTo("30s");
      call("POST", "/access-keys", oldAdmin, "{\"name\":\"after " + start + "\"}");
      // the old generated key is now an admin API key in the store, listed once, its token never shown
      HttpResponse<String> adminKeys = call("GET", "/api-keys", oldAdmin, null);
      assertThat(adminKeys.statusCode()).isEqualTo(200);
      JsonNode listed = json(adminKeys).get("aiGatewayApiKeys");
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).get("id").asText()).isEqualTo("aigak_old");
      assertThat(listed.get(0).get("name").asText()).isEqualTo("initial");
      assertThat(adminKeys.body()).doesNotContain(oldAdmin);
      server.close();
      server = null;
    }
    assertThat(data.resolve("server.json")).exists();
    assertThat(Files.readString(data.resolve("server.json"))).as("moved into the store").doesNotContain(digest)
        .doesNotContain("perRequestTimeoutMs");
  }

  @Test
  void aMalformedMasterKey_isAStartErrorNamingItsSource_thatMainPrintsWithoutAStackTrace() throws Exception {
    // main prints the message of an IllegalStateException as "error: ..." and exits 1
    assertThatThrownBy(() -> start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN, "AIGATEWAY_MASTER_KEY", "c2hvcnQ=")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("AIGATEWAY_MASTER_KEY")
        .hasMessageContaining("decodes to 5 bytes");
    Files.writeString(data.resolve("master.key"), "dHJ1bmNhdGVk\n");
    if (Files.getFileStore(data).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(data.resolve("master.key"),
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
    assertThatThrownBy(() -> start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(data.resolve("master.key").toString())
        .hasMessageContaining("decodes to 9 bytes");
  }

  @Test
  void flags_areCheckedWithClearMessages() {
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--port", "99999"}))
        .hasMessage("--port must be a number from 0 to 65535 but was 99999");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--bogus"}))
        .hasMessage("unknown option '--bogus'");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--upstream", "openai"}))
        .hasMessage("--upstream takes PROVIDER=VALUE but was 'openai'");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--upstream", "nope=https://x"}))
        .hasMessage("--upstream: 'nope' is not a built-in provider");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--data"}))
        .hasMessage("--data needs a value");
    GatewayServer.Options o = GatewayServer.Options.parse(new String[] {"--managed", "openai=OPENAI_API_KEY",
        "--upstream", "openai=https://proxy.example.com/v1", "--allow-private-upstreams", "--host", "0.0.0.0"});
    assertThat(o.managed).containsEntry("openai", "OPENAI_API_KEY");
    assertThat(o.upstreams).containsEntry("openai", "https://proxy.example.com/v1");
    assertThat(o.allowPrivate).isTrue();
    assertThat(o.port).isEqualTo(8080);
  }

  @Test
  void operationalFlags_areParsed_andCheckedWithClearMessages() {
    GatewayServer.Options o = GatewayServer.Options.parse(new String[] {"--threads", "64", "--gateway-threads", "32",
        "--max-connections", "500", "--idle-timeout", "20", "--header-timeout", "5", "--max-header-bytes", "16384"});
    assertThat(o.limits()).isEqualTo(new JettyFront.Limits(64, 32, 500, java.time.Duration.ofSeconds(20),
        java.time.Duration.ofSeconds(5), 16384));
    assertThat(GatewayServer.Options.parse(new String[0]).limits()).isEqualTo(JettyFront.Limits.defaults());
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--threads", "2"}))
        .hasMessage("--threads must be a number from 8 to 10000 but was 2");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--idle-timeout", "soon"}))
        .hasMessage("--idle-timeout must be a number from 1 to 86400 but was 'soon'");
    assertThatThrownBy(() -> GatewayServer.Options.parse(new String[] {"--gateway-threads"}))
        .hasMessage("--gateway-threads needs a value");
  }

  @Test
  void customProvidersWithPrivateBaseUrls_areRefused_unlessAllowed() throws Exception {
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN));
    HttpResponse<String> refused = call("POST", "/providers", ADMIN,
        "{\"providerId\":\"metadata\",\"baseUrl\":\"https://169.254.169.254/v1\"}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).get("msg").asText()).contains("private or local address");
    assertThat(call("POST", "/providers", ADMIN, "{\"providerId\":\"plain\",\"baseUrl\":\"http://8.8.8.8/v1\"}")
        .statusCode()).isEqualTo(400);
    server.close();
    server = null;
    start(Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--allow-private-upstreams");
    HttpResponse<String> allowed = call("POST", "/providers", ADMIN,
        "{\"providerId\":\"local-vllm\",\"baseUrl\":\"http://127.0.0.1:9/v1\",\"models\":[{\"modelId\":\"llama3.2\"}],"
            + "\"supportedApiSurfaces\":[{\"format\":\"openai\",\"surface\":\"chat-completions\"}]}");
    assertThat(allowed.statusCode()).isEqualTo(201);
    assertThat(json(allowed).at("/models/0/modelId").asText()).isEqualTo("llama3.2");
  }
}
