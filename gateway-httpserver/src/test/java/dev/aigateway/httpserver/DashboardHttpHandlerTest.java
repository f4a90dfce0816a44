package dev.aigateway.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.internal.dashboard.DashboardAssets;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's files over HTTP, from {@link AdminHttpHandler} at {@code /dashboard} and from
 * {@link DashboardHttpHandler} in a context of its own: content types, cache headers, the strict
 * Content-Security-Policy, and a page with no inline script, style or outside reference.
 */
final class DashboardHttpHandlerTest {
  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private HttpServer server;
  private String base;

  @BeforeEach
  void setUp() throws Exception {
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(FakeClock.create()).build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(AdminKeys.newToken());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    // --8<-- [start:dashboard-mount]
    // the management API at the root serves the dashboard at /dashboard/ too
    server.createContext("/", GatewayHttpHandler.wrap(gateway, AdminHttpHandler.create(gateway, keys, null)));
    // or the dashboard alone, in a context of its own; it calls the management API at /own/...
    server.createContext("/own/dashboard", DashboardHttpHandler.create());
    // --8<-- [end:dashboard-mount]
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/dashboard", "/own/dashboard"})
  void mountPointWithoutSlash_redirectsToThePage(String mount) throws Exception {
    HttpResponse<String> r = get(mount);
    assertThat(r.statusCode()).isEqualTo(308);
    assertThat(URI.create(base + mount).resolve(r.headers().firstValue("Location").orElseThrow()).getPath())
        .isEqualTo(mount + "/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/dashboard/", "/own/dashboard/"})
  void page_isHtmlWithAStrictPolicy_andNeverCached(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
        .startsWith("default-src 'self';").contains("script-src 'self';").contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("http"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).contains("<label for=\"admin-key\">Admin key</label>");
  }

  @Test
  void page_hasNoInlineScriptOrStyle_andLoadsNothingFromElsewhere() throws Exception {
    String html = get("/dashboard/").body();
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int n = 0;
    while (scripts.find()) {
      n++;
      assertThat(scripts.group(1)).contains("src=\"dashboard.js\"");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(n).isEqualTo(1);
    assertThat(html).doesNotContain("style=").doesNotContain("<style").doesNotContainPattern("(?i)\\son[a-z]+=");
    for (String path : new String[] {"/dashboard/", "/dashboard/dashboard.js", "/dashboard/dashboard.css"}) {
      assertThat(get(path).body()).as(path).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//")
          .doesNotContain("@import").doesNotContain("cdn");
    }
  }

  @Test
  void script_neverWritesHtmlFromData() throws Exception {
    String js = get("/dashboard/dashboard.js").body();
    assertThat(js).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function");
  }

  @Test
  void scriptAndStyle_areRevalidatedByETag() throws Exception {
    HttpResponse<String> js = get("/dashboard/dashboard.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("Cache-Control")).hasValue("no-cache");
    String etag = js.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/dashboard.js"))
        .header("If-None-Match", etag).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(get("/dashboard/dashboard.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/dashboard/nope.js", "/dashboard/../access-keys", "/dashboard/%2e%2e/pom.xml",
      "/dashboard//etc/passwd", "/own/dashboardx", "/own/dashboard/dev/aigateway/dashboard/index.html"})
  void anythingElse_is404(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardAssets.CONTENT_SECURITY_POLICY);
  }

  @Test
  void writes_areRefused() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void managementApi_stillNeedsTheAdminKey_besideTheDashboard() throws Exception {
    assertThat(get("/access-keys").statusCode()).isEqualTo(401);
    assertThat(get("/dashboard/").statusCode()).isEqualTo(200);
  }
}
