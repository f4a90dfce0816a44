package dev.aigateway.examples.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.httpserver.AdminHttpHandler;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.store.DataDirectoryKeyStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in any output (QUALITY 7): unique canary access token, admin tokens (configured and stored) and
 * provider secrets go through every
 * scenario (200, 401, 403, 429, 5xx, timeout, disconnect, bad header, bad base URL, bad bodies), and
 * nothing the library emits (logs at TRACE, exceptions with causes and suppressed, toString() of public
 * objects, explain(), HTTP responses of the gateway and the management API) may hold a canary or any
 * 8-character piece of one, raw, base64 or URL-encoded.
 */
final class CanaryTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  Path data;
  private final List<String> outputs = new ArrayList<>();

  private static String canary(String prefix) {
    byte[] b = new byte[20];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  private void collect(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      outputs.add(String.valueOf(x.getMessage()));
      outputs.add(x.toString());
      for (StackTraceElement e : x.getStackTrace()) {
        outputs.add(e.toString());
      }
      for (Throwable s : x.getSuppressed()) {
        collect(s);
      }
      if (x instanceof GatewayException) {
        outputs.add(((GatewayException) x).details().toString());
      }
    }
  }

  @Test
  void noCanaryEverLeaves() throws Exception {
    String primary = canary("sk-canary-primary-");
    String backup = canary("sk-canary-backup-");
    String managed = canary("sk-canary-managed-");
    String admin = canary("aigak_canary_admin_");
    MockWebServer provider = new MockWebServer();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    List<String> upstreamDescriptions = new ArrayList<>();
    Upstream ok = OkHttpUpstream.create();
    Upstream spy = request -> {
      upstreamDescriptions.add(request.toString());
      UpstreamCall call = ok.newCall(request);
      return new UpstreamCall() {
        @Override
        public UpstreamResponse execute() throws IOException {
          return call.execute();
        }

        @Override
        public void cancel() {
          call.cancel();
        }

        @Override
        public String toString() {
          return call.toString();
        }
      };
    };
    DataDirectoryKeyStore store = DataDirectoryKeyStore.open(data, null);
    Gateway gateway = Gateway.builder().keyStore(store)
        .credentialResolver(CredentialResolver.storeValues().withManaged("anthropic", SecretValue.of(managed)))
        .baseUrl("openai", provider.url("/v1").toString())
        .baseUrl("anthropic", provider.url("/anthropic/v1").toString())
        .upstream(spy).perAttemptTimeout(Duration.ofMillis(400)).totalTimeout(Duration.ofSeconds(5))
        .baseUrlGuard(BaseUrlGuard.publicHttpsOnly(host -> List.of(InetAddress.getByName("10.0.0.1"))))
        .build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(admin);
    ExecutorService pool = GatewayHttpHandler.newExecutor(8);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, AdminHttpHandler.create(gateway, keys, null)));
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    HttpClient http = HttpClient.newHttpClient();
    String token;
    String storedAdmin;
    String javaAdmin;
    try {
      outputs.add(send(http, "POST", base + "/provider-keys", admin,
          "{\"providerId\":\"openai\",\"name\":\"primary\",\"value\":\"" + primary + "\"}"));
      outputs.add(send(http, "POST", base + "/provider-keys", admin,
          "{\"providerId\":\"openai\",\"name\":\"backup\",\"value\":\"" + backup + "\"}"));
      CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("canary").build());
      token = created.token();
      outputs.add(created.toString());
      outputs.add(created.key().toString());

      // the scenarios: each provider answer in turn, for both keys
      int[][] scripts = {{200}, {401, 200}, {403, 403}, {429, 200}, {429, 429}, {500}, {503}};
      for (int[] script : scripts) {
        for (int status : script) {
          provider.enqueue(new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
              .addHeader("Retry-After", "30").body("{\"id\":\"x\",\"status\":" + status + "}").build());
        }
        outputs.add(send(http, "POST", base + "/v1/chat/completions", token, "{\"model\":\"gpt-4o\"}"));
        gateway.cooldowns().clearAll();
      }
      provider.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
      provider.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
      outputs.add(send(http, "POST", base + "/v1/chat/completions", token, "{\"model\":\"gpt-4o\"}"));
      // managed credential path, with an error status
      provider.enqueue(new MockResponse.Builder().code(401).body("{\"error\":\"bad key\"}").build());
      outputs.add(send(http, "POST", base + "/v1/messages", token, "{\"model\":\"claude-sonnet-4-6\"}"));
      // a stream, and one that breaks
      provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
          .body("data: {\"a\":1}\n\ndata: [DONE]\n\n").build());
      outputs.add(send(http, "POST", base + "/v1/chat/completions", token, "{\"model\":\"gpt-4o\",\"stream\":true}"));
      // bad inputs: altered token, bad bodies, a header with CR/LF, a private or malformed base URL
      outputs.add(send(http, "POST", base + "/v1/chat/completions", token.substring(0, token.length() - 1) + "x",
          "{\"model\":\"gpt-4o\"}"));
      outputs.add(send(http, "POST", base + "/v1/chat/completions", token, "{\"model\":\"gpt-4o\",\"x\":" + primary));
      outputs.add(send(http, "POST", base + "/v1/chat/completions", token, "{\"model\":\"nope:" + "m\"}"));
      try {
        gateway.handle(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
            .header("Authorization", "Bearer " + token).header("X-Trace", "a\r\nX-Key: " + primary)
            .body("{\"model\":\"gpt-4o\"}").build());
      } catch (GatewayException e) {
        collect(e);
      }
      outputs.add(send(http, "POST", base + "/providers", admin,
          "{\"providerId\":\"evil\",\"baseUrl\":\"https://user:" + primary + "@evil.example.com/v1\"}"));
      outputs.add(send(http, "POST", base + "/providers", admin,
          "{\"providerId\":\"evil2\",\"baseUrl\":\"https://evil.example.com/" + primary + "\"}"));
      outputs.add(send(http, "POST", base + "/provider-keys", admin,
          "{\"providerId\":\"openai\",\"name\":\"bad\",\"value\":\"" + primary + "\\r\\n\"}"));
      outputs.add(send(http, "POST", base + "/access-key-configurations", admin,
          "{\"name\":\"c\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":"
              + "[{\"name\":\"n\",\"value\":\"" + backup + "\"}]}]}]},\"bogus\":1}"));
      outputs.add(send(http, "POST", base + "/access-key-configurations", admin,
          "{\"name\":\"c\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":"
              + "[{\"name\":\"n\",\"value\":\"" + backup + "\"}]}]}]}}"));
      // admin API keys: the create response is the one place a token may appear, so it is not collected
      HttpResponse<String> createdAdmin = http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys"))
          .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ops\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(createdAdmin.statusCode()).isEqualTo(201);
      storedAdmin = new com.fasterxml.jackson.databind.ObjectMapper().readTree(createdAdmin.body()).get("token")
          .asText();
      String storedAdminId = storedAdmin.substring(0, storedAdmin.lastIndexOf('_'));
      outputs.add(send(http, "GET", base + "/api-keys", storedAdmin, null));
      outputs.add(send(http, "GET", base + "/api-keys/" + storedAdminId, storedAdmin, null));
      outputs.add(send(http, "PATCH", base + "/api-keys/" + storedAdminId, storedAdmin, "{\"description\":\"d\"}"));
      outputs.add(send(http, "POST", base + "/api-keys", storedAdmin, "{\"token\":\"" + storedAdmin + "\"}"));
      outputs.add(send(http, "GET", base + "/api-keys", storedAdmin + "x", null));
      outputs.add(send(http, "POST", base + "/v1/chat/completions", storedAdmin, "{\"model\":\"gpt-4o\"}"));
      gateway.keyStore().adminKeys(null, 10).forEach(k -> outputs.add(k.toString()));
      dev.aigateway.admin.CreatedAdminKey javaCreated = gateway.admin().adminKeys()
          .create(dev.aigateway.admin.AdminKeyChange.builder().name("java").build());
      javaAdmin = javaCreated.token();
      outputs.add(javaCreated.toString());
      outputs.add(send(http, "GET", base + "/api-keys", javaAdmin, null));
      // management reads of everything
      for (String path : List.of("/access-keys", "/provider-keys", "/access-key-configurations", "/providers",
          "/virtual-models", "/gateway-config", "/credits/balance", "/usage",
          "/usage/overview?groupBy=accessKey", "/api-keys")) {
        outputs.add(send(http, "GET", base + path, admin, null));
      }
      outputs.add(send(http, "GET", base + "/access-keys", token, null));
      // in-process: exceptions, plans, responses, records
      for (String body : List.of("{\"model\":\"gpt-4o\"}", "{\"model\":\"claude-sonnet-4-6\"}", "{bad")) {
        provider.enqueue(new MockResponse.Builder().code(500).build());
        provider.enqueue(new MockResponse.Builder().code(500).build());
        try {
          RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
          outputs.add(plan.toString());
          outputs.add(plan.explain());
          outputs.add(plan.request().toString());
          try (GatewayResponse r = gateway.execute(plan)) {
            outputs.add(r.toString());
            r.attempts().forEach(a -> outputs.add(a.toString()));
          }
        } catch (GatewayException e) {
          collect(e);
        }
      }
      outputs.add(gateway.toString());
      outputs.add(store.toString());
      outputs.add(gateway.credentials().toString());
      gateway.keyStore().providerKeys().forEach(k -> {
        outputs.add(k.toString());
        outputs.add(k.keyRedacted());
        outputs.add(String.valueOf(k.value()));
      });
      outputs.addAll(upstreamDescriptions);
    } finally {
      server.stop(0);
      pool.shutdownNow();
      provider.close();
      store.close();
    }
    assertThat(upstreamDescriptions).isNotEmpty();
    Path log = Path.of("target", "test-trace.log");
    if (Files.exists(log)) {
      outputs.add(Files.readString(log, StandardCharsets.UTF_8));
    }
    String all = String.join("\n", outputs);
    assertThat(all).contains("invalid_access_key").contains("all_providers_failed").contains("rate_limited");
    for (String secret : List.of(primary, backup, managed, admin, token.substring(29, 61),
        storedAdmin.substring(storedAdmin.lastIndexOf('_') + 1, storedAdmin.length() - 4),
        javaAdmin.substring(javaAdmin.lastIndexOf('_') + 1, javaAdmin.length() - 4))) {
      assertNoPieceOf(secret, all);
    }
  }

  private static void assertNoPieceOf(String secret, String text) {
    List<String> forms = new ArrayList<>();
    forms.add(secret);
    forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
    forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    for (String f : forms) {
      assertThat(text).as("a canary in some form").doesNotContain(f);
    }
    for (int i = 0; i + 8 <= secret.length(); i++) {
      String piece = secret.substring(i, i + 8);
      assertThat(text).as("an 8-character piece of a canary: %s", piece).doesNotContain(piece);
      if (i % 3 == 0 && i + 9 <= secret.length()) {
        String b64 = Base64.getEncoder().encodeToString(secret.substring(i, i + 9).getBytes(StandardCharsets.UTF_8));
        assertThat(text).as("a base64 piece of a canary").doesNotContain(b64.substring(0, 8));
      }
    }
  }

  private static String send(HttpClient http, String method, String url, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.headers().map() + " " + r.body();
    } catch (IOException e) {
      return "io: " + e;
    }
  }
}
