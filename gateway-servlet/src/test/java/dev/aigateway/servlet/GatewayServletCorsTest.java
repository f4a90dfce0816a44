package dev.aigateway.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CORS for browser clients through the servlet and the filter in a real Jetty 12 on loopback. */
final class GatewayServletCorsTest {
  private static final String APP = "http://localhost:5173";
  private final HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private FakeUpstream upstream;
  private Gateway gateway;
  private String adminToken;
  private String token;
  private String servletBase;
  private String filterBase;

  @BeforeEach
  void setUp() throws Exception {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).maxRequestBytes(4096)
        .corsAllowedOrigins(APP).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value("sk-oa-a-00000").build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("anthropic").name("c")
        .value("sk-an-c-00000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("browser").build()).token();
    AdminKeys adminKeys = new AdminKeys();
    adminToken = AdminKeys.newToken();
    adminKeys.allowToken(adminToken);
    servletBase = host(new JettyHost("/").servlet(GatewayServlet.create(gateway), "/v1/*", true)
        .servlet(AdminServlet.create(gateway, adminKeys, null), "/admin/*", false)).base();
    filterBase = host(new JettyHost("/").filter(GatewayFilter.create(gateway), "/*", true)
        .servlet(new HttpServlet() {
          private static final long serialVersionUID = 1L;

          @Override
          protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setStatus(200);
            resp.getWriter().write("host app " + req.getMethod());
          }
        }, "/*", true)).base();
  }

  private JettyHost host(JettyHost host) throws Exception {
    closeables.add(host);
    return host.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    gateway.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return jdk.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> preflight(String url, String origin, String method, String headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Origin", origin)
        .header("Access-Control-Request-Method", method).header("Access-Control-Request-Headers", headers)
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> post(String url, String origin, String body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Origin", origin)
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static List<String> accessControlHeaders(HttpHeaders headers) {
    return headers.map().keySet().stream().filter(n -> n.toLowerCase(Locale.ROOT).startsWith("access-control-"))
        .toList();
  }

  private static void assertCorsFor(HttpResponse<String> r, String origin) {
    assertThat(r.headers().allValues("Access-Control-Allow-Origin")).as("exactly one, the origin").containsExactly(origin);
    assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("AIG-Request-Id", "AIG-Attempts", "AIG-Model", "AIG-Provider", "AIG-Rejected-Models", "Retry-After");
    assertThat(r.headers().allValues("Vary")).anySatisfy(v -> assertThat(v).containsIgnoringCase("Origin"));
  }

  @Test
  void preflight_throughTheServletAndTheFilter_isAnsweredForAnAllowedOriginOnly() throws Exception {
    for (String base : List.of(servletBase, filterBase)) {
      HttpResponse<String> ok = preflight(base + "/v1/messages", APP, "POST",
          "x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access, content-type, x-stainless-arch");
      assertThat(ok.statusCode()).as(base).isEqualTo(204);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
      assertThat(ok.headers().firstValue("Access-Control-Allow-Headers")).hasValue(
          "x-api-key, anthropic-version, anthropic-dangerous-direct-browser-access, content-type, x-stainless-arch");
      assertThat(ok.headers().firstValue("Access-Control-Max-Age")).hasValue("600");

      HttpResponse<String> other = preflight(base + "/v1/messages", "http://localhost:5174", "POST", "x-api-key");
      assertThat(other.statusCode()).as(base).isEqualTo(403);
      assertThat(accessControlHeaders(other.headers())).isEmpty();
    }
    assertThat(upstream.requests()).isEmpty();
    HttpResponse<String> app = preflight(filterBase + "/api/thing", APP, "POST", "content-type");
    assertThat(app.body()).as("other paths stay the application's").isEqualTo("host app OPTIONS");
    assertThat(accessControlHeaders(app.headers())).isEmpty();
  }

  @Test
  void successErrorsAndStreams_throughTheServletAndTheFilter_carryTheCorsHeaders() throws Exception {
    for (String base : List.of(servletBase, filterBase)) {
      upstream.forKey("sk-oa-a").always(FakeUpstream.json(200, "{\"id\":\"c1\"}")
          .header("Access-Control-Allow-Origin", "*"));
      HttpResponse<String> ok = post(base + "/v1/chat/completions", APP, "{\"model\":\"gpt-4o\",\"models\":[\"nope:x\"]}");
      assertThat(ok.statusCode()).as(base).isEqualTo(200);
      assertCorsFor(ok, APP);
      assertThat(ok.headers().firstValue("AIG-Rejected-Models")).hasValue("nope:x");

      upstream.forKey("sk-oa-a").always(FakeUpstream.sse(200, "data: 1\n\n", "data: [DONE]\n\n"));
      HttpResponse<String> stream = post(base + "/v1/chat/completions", APP, "{\"model\":\"gpt-4o\",\"stream\":true}");
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.body()).isEqualTo("data: 1\n\ndata: [DONE]\n\n");
      assertCorsFor(stream, APP);

      upstream.forKey("sk-oa-a").always(FakeUpstream.reply(429));
      HttpResponse<String> limited = post(base + "/v1/chat/completions", APP, "{\"model\":\"gpt-4o\"}");
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
      assertCorsFor(limited, APP);

      HttpResponse<String> tooLarge = post(base + "/v1/chat/completions", APP, "{\"x\":\"" + "a".repeat(5000) + "\"}");
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertCorsFor(tooLarge, APP);

      HttpResponse<String> other = post(base + "/v1/chat/completions", "https://evil.example", "{\"model\":\"gpt-4o\"}");
      assertThat(accessControlHeaders(other.headers())).as(base).isEmpty();
    }
  }

  @Test
  void patchGatewayConfig_changesTheOrigins_forTheNextPreflight() throws Exception {
    String other = "https://chat.example.org";
    assertThat(preflight(servletBase + "/v1/chat/completions", other, "POST", "authorization").statusCode())
        .isEqualTo(403);
    HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(servletBase + "/admin/gateway-config"))
        .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"corsAllowedOrigins\":[\"" + other + "\"]}")));
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(accessControlHeaders(patched.headers())).as("the management API is not opened").isEmpty();
    HttpResponse<String> now = preflight(servletBase + "/v1/chat/completions", other, "POST", "authorization");
    assertThat(now.statusCode()).isEqualTo(204);
    assertThat(now.headers().firstValue("Access-Control-Allow-Origin")).hasValue(other);
    assertThat(preflight(filterBase + "/v1/chat/completions", APP, "POST", "authorization").statusCode())
        .as("the old origin is gone").isEqualTo(403);
  }
}
