package dev.aigateway.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAdminKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
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
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator dashboard in a real browser (the system's Chromium, driven by Playwright) against a real
 * gateway on the JDK server on 127.0.0.1, with a scripted in-process provider behind it. The two seed flows
 * end to end (a configuration with access and routing assigned to a key; a new key whose token is shown once
 * and copied), then the created token through the gateway: an allowed model answers 200, any other 403. Also
 * sign-in and sign-out, a refused key, escaping of hostile names, validation errors at the field they name,
 * and a canary: no provider key value reaches the browser once it is stored. Screenshots of every page go to
 * {@code target/dashboard-screenshots} (or the directory in the system property {@code dashboard.screenshots}).
 */
final class DashboardBrowserTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String XSS = "<img src=x onerror=alert(1)>";
  private static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync");

  private static Playwright playwright;

  private final String adminToken = AdminKeys.newToken();
  private final String canaryPrimary = "sk-canary-" + random();
  private final String canaryBackup = "sk-canary-" + random();
  private final String canaryBroken = "sk-canary-" + random();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicBoolean dialogOpened = new AtomicBoolean();
  private final List<String> policyViolations = new CopyOnWriteArrayList<>();
  private FakeClock clock;
  private Gateway gateway;
  private FakeUpstream upstream;
  private HttpServer server;
  private ExecutorService pool;
  private Path profile;
  private BrowserContext browser;
  private Page page;
  private String base;

  @BeforeAll
  static void startPlaywright() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
        "the dashboard's browser tests need Chromium at /usr/bin/chromium: apt-get install -y chromium");
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    // as the browser's own actions: a busy 2-core build machine can take more than the default 5 s
    PlaywrightAssertions.setDefaultAssertionTimeout(10_000);
  }

  @AfterAll
  static void stopPlaywright() {
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    String answer = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12000,\"completion_tokens\":3000,\"total_tokens\":15000}}";
    upstream.forKey(canaryPrimary).always(FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\"}}"));
    upstream.forKey(canaryBackup).always(FakeUpstream.json(200, answer));
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(adminToken);
    pool = Executors.newFixedThreadPool(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, AdminHttpHandler.create(gateway, keys, null)));
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();

    profile = Files.createTempDirectory("dashboard-chromium-");
    browser = playwright.chromium().launchPersistentContext(profile, new BrowserType.LaunchPersistentContextOptions()
        .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(CHROMIUM_ARGS)
        .setPermissions(List.of("clipboard-read", "clipboard-write")).setViewportSize(1280, 900));
    browser.setDefaultTimeout(10_000);
    page = browser.pages().isEmpty() ? browser.newPage() : browser.pages().get(0);
    page.onDialog(d -> {
      dialogOpened.set(true);
      d.dismiss();
    });
    page.onResponse(this::record);
    page.onConsoleMessage(m -> {
      if (m.text().contains("Content Security Policy") || m.text().startsWith("Refused to")) {
        policyViolations.add(m.text());
      }
    });
  }

  private volatile boolean closing;

  @AfterEach
  void tearDown() throws IOException {
    try {
      assertThat(policyViolations).as("the page works under its Content-Security-Policy").isEmpty();
    } finally {
      closeEverything();
    }
  }

  private void closeEverything() throws IOException {
    closing = true; // responses still arriving while the browser closes are not read (their target is gone)
    if (browser != null) {
      browser.close();
    }
    server.stop(0);
    pool.shutdownNow();
    if (profile != null) {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void record(Response r) {
    if (closing) {
      return;
    }
    String line = r.request().method() + " " + r.url();
    try {
      line += "\n" + r.allHeaders();
      line += "\n" + r.text();
    } catch (RuntimeException e) {
      // a 204 has no body; a response whose page has just closed has neither headers nor body any more
    }
    received.add(line);
  }

  private static String random() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b).replace('-', 'x').replace('_', 'y');
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private Locator button(String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  private Locator region(String name) {
    return page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  private Locator label(String name) {
    return page.getByLabel(name, new Page.GetByLabelOptions().setExact(true));
  }

  private void open(String pageName) {
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(pageName).setExact(true)).click();
    // the page loads after the click: wait for it, so the next step cannot act on the page being left
    PlaywrightAssertions.assertThat(region(pageName)).isVisible();
  }

  private void signIn() {
    signIn(adminToken);
  }

  private void signIn(String token) {
    page.navigate(base + "/dashboard/");
    label("Admin key").fill(token);
    button("Sign in").click();
    PlaywrightAssertions.assertThat(region("Keys")).isVisible();
  }

  /**
   * The management API without a configured admin token, as a server whose only way in is the admin API keys in
   * its store; answers a first stored key, named {@code initial}.
   */
  private CreatedAdminKey storedAdminKeysOnly() {
    CreatedAdminKey initial = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("initial").build());
    server.removeContext("/");
    server.createContext("/", GatewayHttpHandler.wrap(gateway, AdminHttpHandler.create(gateway, new AdminKeys(), null)));
    return initial;
  }

  private int adminStatus(String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys")).header("Authorization", "Bearer " + token)
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private Locator rowButton(Locator row, String name) {
    return row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  private void screenshot(String name) throws IOException {
    Path dir = Paths.get(System.getProperty("dashboard.screenshots", "target/dashboard-screenshots"));
    Files.createDirectories(dir);
    Path file = dir.resolve("dashboard-" + name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
    assertThat(Files.size(file)).as(file.toString()).isGreaterThan(1000);
  }

  private HttpResponse<String> chat(String token, String model) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Locator row(String text) {
    return page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(text));
  }

  private JsonNode adminGet(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private ProviderKey providerKey(String name) {
    return gateway.admin().providerKeys().list(null, null, 100).items().stream()
        .filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * Every form a secret could take in what the browser received: raw, base64, URL-encoded, 8-character pieces
   * of its random part.
   */
  private void assertNoCanaryIn(List<String> texts, String... secrets) {
    List<String> forms = new ArrayList<>();
    for (String s : secrets) {
      forms.add(s);
      forms.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
      forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
      // a provider key's random part, or an access key token's secret (its public part is the key's id)
      // (an admin token's public part is aigak_ and its key's id, its secret follows the last underscore)
      String body = s.startsWith("sk-canary-") ? s.substring("sk-canary-".length())
          : s.startsWith("aigak_") ? s.substring(s.lastIndexOf('_') + 1) : s.substring(s.lastIndexOf('-') + 1);
      for (int i = 0; i + 8 <= body.length(); i++) {
        forms.add(body.substring(i, i + 8));
      }
    }
    for (String text : texts) {
      for (String form : forms) {
        assertThat(text).as("what the browser received").doesNotContain(form);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ tests

  @Test
  void wrongAdminKey_isRefusedWithAMessage_andNothingIsKept() throws IOException {
    page.navigate(base + "/dashboard/");
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    screenshot("sign-in");
    label("Admin key").fill("aigak_wrong_0000000000000000000000000000000000000000");
    button("Sign in").click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ALERT).filter(new Locator.FilterOptions()
        .setHasText("Sign-in failed"))).hasText("Sign-in failed: that admin key was not accepted.");
    PlaywrightAssertions.assertThat(region("Keys")).hasCount(0);
    assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);
    assertThat(page.evaluate("() => document.cookie")).isEqualTo("");
  }

  @Test
  void signIn_keepsTheKeyInSessionStorageOnly_signOutClearsIt_andA401ReturnsToSignIn() {
    signIn();
    assertThat(page.evaluate("() => sessionStorage.getItem('aigateway.adminKey')")).isEqualTo(adminToken);
    assertThat(page.evaluate("() => document.cookie + localStorage.length")).isEqualTo("0");
    page.reload();
    PlaywrightAssertions.assertThat(region("Keys")).isVisible();

    button("Sign out").click();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);

    signIn();
    page.evaluate("() => sessionStorage.setItem('aigateway.adminKey', 'aigak_revoked_000')");
    page.reload();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    PlaywrightAssertions.assertThat(page.locator("#sign-in-error")).containsText("Sign in again");
    assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);
  }

  @Test
  void seedFlow_newAccessKey_tokenIsShownOnceWithCopy_andWorks() throws Exception {
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("backup")
        .value(canaryBackup).build());
    signIn();
    button("New access key").click();
    label("Name").fill("Mobile app");
    label("Description").fill("iOS and Android");
    button("Create access key").click();

    Locator token = label("Token");
    PlaywrightAssertions.assertThat(token).isVisible();
    String value = token.inputValue();
    assertThat(value).startsWith("ng-");
    PlaywrightAssertions.assertThat(page.getByText("it is only shown once", new Page.GetByTextOptions()))
        .isVisible();
    screenshot("new-access-key");
    button("Copy").click();
    PlaywrightAssertions.assertThat(page.getByText("Copied to the clipboard.")).isVisible();
    assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(value);

    assertThat(chat(value, "gpt-4o").statusCode()).isEqualTo(200);
    button("Done").click();
    PlaywrightAssertions.assertThat(label("Token")).hasCount(0);

    // a provider key entered here too; then no page, and no answer but the create's, holds either secret
    open("Provider keys");
    label("Provider").fill("openai");
    label("Name").fill("primary");
    label("Value").fill(canaryPrimary);
    button("Create provider key").click();
    PlaywrightAssertions.assertThat(row("primary")).isVisible();
    for (String p : new String[] {"Keys", "Configurations", "Provider keys", "Providers", "Virtual models", "Usage",
        "Admin API keys"}) {
      open(p);
      PlaywrightAssertions.assertThat(region(p)).isVisible();
      received.add(page.content());
    }
    String created = "POST " + base + "/access-keys\n";
    assertThat(received).filteredOn(r -> r.startsWith(created)).singleElement()
        .satisfies(r -> assertThat(r).contains(value));
    List<String> rest = received.stream().filter(r -> !r.startsWith(created)).toList();
    assertThat(rest).hasSizeGreaterThan(10);
    assertNoCanaryIn(rest, value, canaryPrimary);

    page.navigate(base + "/dashboard/#keys");
    page.reload();
    PlaywrightAssertions.assertThat(region("Keys")).isVisible();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions()
        .setHasText("Mobile app"))).isVisible();
    assertThat(page.content()).doesNotContain(value);
    assertThat(label("Token")).satisfies(l -> PlaywrightAssertions.assertThat(l).hasCount(0));
    String secret = value.substring(value.lastIndexOf('-') + 1);
    assertThat(page.evaluate("() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)").toString())
        .doesNotContain(secret);
    assertThat(gateway.admin().accessKeys().list(null, 100).items()).singleElement()
        .satisfies(k -> assertThat(k.description()).isEqualTo("iOS and Android"));
  }

  @Test
  void seedFlow_configurationWithAccessAndRouting_assignedToAKey_routesAndScopes() throws Exception {
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("Web app").build()).token();
    signIn();

    // provider keys, entered through the dashboard; from here on no response may carry their values
    open("Provider keys");
    PlaywrightAssertions.assertThat(region("Provider keys")).isVisible();
    for (String[] k : new String[][] {{"primary", canaryPrimary}, {"backup", canaryBackup}}) {
      label("Provider").fill("openai");
      label("Name").fill(k[0]);
      label("Value").fill(k[1]);
      button("Create provider key").click();
      PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions()
          .setHasText(k[0]))).isVisible();
      PlaywrightAssertions.assertThat(label("Value")).hasValue("");
    }
    received.clear();
    screenshot("provider-keys");
    String primary = providerKey("primary").id();
    String backup = providerKey("backup").id();

    // Keys → Configurations → New configuration
    open("Configurations");
    PlaywrightAssertions.assertThat(region("Configurations")).isVisible();
    button("New configuration").click();
    label("Name").fill("Production OpenAI");
    label("Description").fill("gpt-4o only, two keys");
    Locator access = region("Access");
    access.getByLabel("Allow only these providers").check();
    label("Allowed providers").fill("openai");
    access.getByLabel("Allow only these models").check();
    label("Allowed models").fill("openai/gpt-4o");
    Locator routing = region("Routing");
    routing.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add rule").setExact(true)).click();
    label("Provider").fill("openai");
    button("Add provider key").click();
    label("Provider key 1").selectOption(primary);
    button("Add provider key").click();
    label("Provider key 2").selectOption(backup);
    label("Requests per minute").fill("600");
    screenshot("configuration-editor");
    button("Save").click();

    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions()
        .setHasText("Production OpenAI"))).isVisible();
    screenshot("configurations");
    JsonNode saved = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/access-key-configurations"))
        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString()).body())
        .path("aiGatewayAccessKeyConfigurations").get(0);
    assertThat(saved.path("access").toString())
        .isEqualTo("{\"providers\":{\"allow\":[\"openai\"]},\"models\":{\"allow\":[\"openai/gpt-4o\"]}}");
    JsonNode rule = saved.path("router").path("rules").get(0);
    assertThat(rule.path("provider").asText()).isEqualTo("openai");
    assertThat(rule.path("steps").get(0).path("keys").findValuesAsText("id")).containsExactly(primary, backup);
    assertThat(saved.path("limits").toString()).isEqualTo("{\"requestsPerMinute\":600}");

    // Keys: edit the access key and assign the configuration
    open("Keys");
    Locator row = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("Web app"));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit").setExact(true)).click();
    label("Configuration").selectOption(new com.microsoft.playwright.options.SelectOption()
        .setLabel("Production OpenAI"));
    button("Save").click();
    PlaywrightAssertions.assertThat(row).containsText("Production OpenAI");
    screenshot("keys");

    // the key now routes openai through primary (429) then backup (200), and nothing else is allowed
    HttpResponse<String> ok = chat(token, "gpt-4o");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("AIG-Attempts")).hasValue("2");
    assertThat(chat(token, "openai/gpt-4o-mini").statusCode()).isEqualTo(403);
    assertThat(chat(token, "anthropic/claude-sonnet-4-6").statusCode()).isEqualTo(403);

    // the failover made visible on the Usage page
    open("Usage");
    label("Request id").fill(ok.headers().firstValue("AIG-Request-Id").orElseThrow());
    button("Show attempts").click();
    Locator attempts = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Attempts"));
    PlaywrightAssertions.assertThat(attempts.getByRole(AriaRole.ROW)).hasCount(3);
    PlaywrightAssertions.assertThat(attempts).containsText(primary);
    PlaywrightAssertions.assertThat(attempts).containsText("429");
    PlaywrightAssertions.assertThat(attempts).containsText("served");
    // and in the charts drawn from /usage/overview: one request today (the two refusals never reached a provider)
    Locator perDay = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Requests per day"));
    PlaywrightAssertions.assertThat(perDay).hasAttribute("aria-label",
        Pattern.compile("^Requests per day: \\d{4}-\\d{2}-\\d{2} 1$"));
    PlaywrightAssertions.assertThat(region("Usage")).not().containsText("Usage data is not available");

    // and the canary: nothing the browser received after the keys were stored holds their values
    page.reload();
    for (String p : new String[] {"Keys", "Configurations", "Provider keys", "Providers", "Virtual models"}) {
      open(p);
      PlaywrightAssertions.assertThat(region(p)).isVisible();
      received.add(page.content());
    }
    page.navigate(base + "/dashboard/#configurations/" + saved.path("id").asText());
    PlaywrightAssertions.assertThat(label("Provider key 2")).isVisible();
    received.add(page.content());
    // saving it unchanged through the editor keeps it as it was
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved configuration Production OpenAI.")).isVisible();
    JsonNode again = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/access-key-configurations/"
        + saved.path("id").asText())).header("Authorization", "Bearer " + adminToken).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    for (String f : new String[] {"name", "description", "access", "router", "limits"}) {
      assertThat(again.path(f)).as(f).isEqualTo(saved.path(f));
    }
    assertThat(received).hasSizeGreaterThan(10);
    assertThat(String.join("\n", received)).contains("/access-key-configurations").contains("dashboard.js");
    assertNoCanaryIn(received, canaryPrimary, canaryBackup);
    assertThat(dialogOpened).isFalse();
  }

  @Test
  void apiData_isShownAsText_neverRunAsHtml() throws Exception {
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"" + XSS.replace("\"", "\\\"") + "\"}")).id();
    gateway.admin().accessKeys().create(AccessKeyChange.builder().name(XSS).description(XSS)
        .configurationId(config).build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name(XSS)
        .value(canaryBackup).build());
    gateway.admin().virtualModels().create("fast", XSS, List.of("gpt-4o"));
    signIn();
    Locator row = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(XSS));
    PlaywrightAssertions.assertThat(row).isVisible();
    PlaywrightAssertions.assertThat(row.getByText(XSS, new Locator.GetByTextOptions().setExact(true))).hasCount(3);
    for (String p : new String[] {"Configurations", "Provider keys", "Virtual models"}) {
      open(p);
      PlaywrightAssertions.assertThat(page.getByText(XSS, new Page.GetByTextOptions().setExact(true)).first())
          .isVisible();
      assertThat(page.locator("#page img").count()).as(p).isZero();
    }
    open("Keys");
    region("Keys").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit").setExact(true)).click();
    PlaywrightAssertions.assertThat(label("Name")).hasValue(XSS);
    assertThat(page.locator("img").count()).isZero();
    assertThat(dialogOpened).as("no script from data ran").isFalse();
  }

  @Test
  void slowPageLoad_leftBeforeItArrives_neverReplacesThePageNavigatedTo() throws Exception {
    signIn();
    open("Providers");
    List<Route> held = new ArrayList<>();
    Pattern accessKeys = Pattern.compile(".*/access-keys(\\?.*)?$");
    page.route(accessKeys, held::add);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Keys").setExact(true)).click();
    page.waitForCondition(() -> !held.isEmpty());
    open("Virtual models");
    // resumed before the route is removed: removing the last route can let a held request go on by itself
    page.waitForResponse(r -> accessKeys.matcher(r.url()).matches(), () -> held.forEach(Route::resume));
    page.unroute(accessKeys);
    // the slow load has its data now; give its rendering a moment to (not) replace the page
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))");
    PlaywrightAssertions.assertThat(region("Virtual models")).isVisible();
    PlaywrightAssertions.assertThat(region("Keys")).hasCount(0);
  }

  /**
   * Regression: signing out did not end a page load in progress, so the page that arrived afterwards (the data
   * read with the key just signed out) was shown under the sign-in form.
   */
  @Test
  void slowPageLoad_arrivingAfterSignOut_showsNothing() throws Exception {
    signIn();
    open("Providers");
    List<Route> held = new ArrayList<>();
    Pattern accessKeys = Pattern.compile(".*/access-keys(\\?.*)?$");
    page.route(accessKeys, held::add);
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Keys").setExact(true)).click();
    page.waitForCondition(() -> !held.isEmpty());
    button("Sign out").click();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    // resumed before the route is removed: removing the last route can let a held request go on by itself
    page.waitForResponse(r -> accessKeys.matcher(r.url()).matches(), () -> held.forEach(Route::resume));
    page.unroute(accessKeys);
    // the slow load has its data now; give its rendering a moment to (not) fill the page
    page.evaluate("() => new Promise((done) => setTimeout(done, 300))");
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    PlaywrightAssertions.assertThat(region("Keys")).hasCount(0);
    assertThat(page.evaluate("() => document.getElementById('page').childElementCount")).isEqualTo(0);
  }

  @Test
  void editor_buildsModelRules_orderedSteps_weightedAndManagedSteps() throws Exception {
    String a = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value(canaryPrimary).build()).id();
    String b = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("b")
        .value(canaryBackup).build()).id();
    signIn();
    open("Configurations");
    button("New configuration").click();
    label("Name").fill("Weighted");
    button("Add rule").click();
    label("Match by").selectOption("model");
    label("Model").fill("openai:gpt-4o-mini");
    label("Key selection").selectOption("weighted");
    button("Add provider key").click();
    label("Provider key 1").selectOption(a);
    label("Weight").fill("3");
    button("Add provider key").click();
    label("Provider key 2").selectOption(b);
    button("Move provider key 2 up").click();
    button("Add step").click();
    Locator step2 = page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Step 2").setExact(true));
    step2.getByLabel("Step type").selectOption("managed");
    step2.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Move step up")).click();
    button("Show JSON").click();
    PlaywrightAssertions.assertThat(page.getByLabel("Configuration JSON")).containsText("\"type\": \"managed\"");
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved configuration Weighted.")).isVisible();

    JsonNode rule = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/access-key-configurations"))
        .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString()).body())
        .path("aiGatewayAccessKeyConfigurations").get(0).path("router").path("rules").get(0);
    assertThat(rule.path("model").asText()).isEqualTo("openai:gpt-4o-mini");
    assertThat(rule.path("steps").get(0).path("type").asText()).isEqualTo("managed");
    JsonNode user = rule.path("steps").get(1);
    assertThat(user.path("keySelectionStrategy").asText()).isEqualTo("weighted");
    assertThat(user.path("keys").findValuesAsText("id")).containsExactly(b, a);
    assertThat(user.path("keys").get(1).path("weight").asInt()).isEqualTo(3);
  }

  @Test
  void validationErrors_areShownAtTheFieldTheyName() throws IOException {
    signIn();
    open("Configurations");
    button("New configuration").click();
    label("Name").fill("Incomplete");
    region("Routing").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add rule")).click();
    label("Provider").fill("openai");
    button("Save").click();
    Locator keys = page.locator("[data-path='router.rules[0].steps[0].keys']");
    PlaywrightAssertions.assertThat(keys).hasAttribute("aria-invalid", "true");
    Locator message = page.locator(".field-error");
    PlaywrightAssertions.assertThat(message).hasCount(1);
    PlaywrightAssertions.assertThat(message).containsText("router.rules[0].steps[0].keys: must not be empty");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Step 1"))
        .locator(".field-error")).isVisible();
    screenshot("validation-error");
    assertThat(gateway.admin().configurations().list(null, 100).items()).isEmpty();

    // a bad model entry lands at the models list
    button("Remove rule").click();
    region("Access").getByLabel("Allow only these models").check();
    label("Allowed models").fill("fast");
    gateway.admin().virtualModels().create("fast", null, List.of("gpt-4o"));
    button("Save").click();
    PlaywrightAssertions.assertThat(label("Allowed models")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).hasCount(1);
  }

  @Test
  void usageCharts_areDrawnFromTheOverview_whenTheGatewayServesIt() throws IOException {
    // the browser answers /usage/overview itself, in the contract's shape, with several days and groups and a
    // hostile group key, to check the stacked charts and their escaping
    page.route("**/usage/overview?*", route -> route.fulfill(new Route.FulfillOptions().setStatus(200)
        .setContentType("application/json").setBody("{\"items\":["
            + "{\"bucketStart\":\"2026-11-20T00:00:00Z\",\"groupKey\":\"openai\",\"cost\":1.25,\"requests\":40,\"errors\":2},"
            + "{\"bucketStart\":\"2026-11-20T00:00:00Z\",\"groupKey\":\"" + XSS + "\",\"cost\":0.5,\"requests\":10,\"errors\":0},"
            + "{\"bucketStart\":\"2026-11-21T00:00:00Z\",\"groupKey\":\"openai\",\"cost\":2,\"requests\":80,\"errors\":5}]}")));
    signIn();
    open("Usage");
    Locator requests = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Requests per day"));
    PlaywrightAssertions.assertThat(requests).hasAttribute("aria-label",
        "Requests per day: 2026-11-20 50, 2026-11-21 80");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions()
        .setName("Errors per day: 2026-11-20 2, 2026-11-21 5"))).isVisible();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions()
        .setName("Cost per day: 2026-11-20 1.75, 2026-11-21 2.00"))).isVisible();
    assertThat(requests.locator("rect").count()).isEqualTo(3);
    PlaywrightAssertions.assertThat(page.locator(".legend").first().getByText(XSS, new Locator.GetByTextOptions()
        .setExact(true))).isVisible();
    assertThat(page.locator("#page img").count()).isZero();
    label("Group by").selectOption("accessKey");
    PlaywrightAssertions.assertThat(label("Group by")).hasValue("accessKey");
    assertThat(dialogOpened).isFalse();
  }

  @Test
  void everyPage_rendersWithItsData() throws IOException {
    gateway.admin().virtualModels().create("fast", "cheap first", List.of("gpt-4o-mini", "claude-haiku-4-5"));
    signIn();
    open("Providers");
    label("Provider id").fill("acme");
    label("Name").fill("Acme LLM");
    label("Base URL").fill("https://llm.acme.example/v1");
    label("Models").fill("acme-large\nacme-small");
    button("Create provider").click();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions()
        .setHasText("acme-large, acme-small"))).isVisible();
    assertThat(gateway.admin().providers().get("acme").baseUrl()).isEqualTo("https://llm.acme.example/v1");
    open("Virtual models");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions()
        .setHasText("gpt-4o-mini → claude-haiku-4-5"))).isVisible();

    open("Provider keys");
    label("Provider").fill("acme");
    label("Name").fill("acme-1");
    label("Value").fill(canaryPrimary);
    button("Create provider key").click();
    Locator row = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("acme-1"));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rotate")).click();
    label("New value").fill(canaryBackup);
    button("Rotate key").click();
    PlaywrightAssertions.assertThat(page.getByText("Rotated provider key acme-1.")).isVisible();
    assertThat(providerKey("acme-1").keyRedacted()).endsWith(canaryBackup.substring(canaryBackup.length() - 3));
    row = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("acme-1"));
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete")).click();
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm delete")).click();
    PlaywrightAssertions.assertThat(page.getByText("No provider keys yet.")).isVisible();
    assertThat(gateway.admin().providerKeys().list(null, null, 100).items()).isEmpty();
  }

  @Test
  void providers_createEditAndDelete_errorsAtTheirField_andTheProviderServesThroughTheApi() throws Exception {
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("Web app").build()).token();
    signIn();
    open("Providers");
    PlaywrightAssertions.assertThat(region("Providers")).isVisible();
    label("Provider id").fill("acme");
    label("Name").fill("Acme LLM");
    label("Base URL").fill("https://llm.acme.example/v1 extra");
    label("Models").fill("acme-large");
    button("Create provider").click();
    PlaywrightAssertions.assertThat(label("Base URL")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("baseUrl");
    assertThat(gateway.admin().providers().list(null, 100).items()).isEmpty();

    label("Base URL").fill("https://llm.acme.example/v1");
    button("Create provider").click();
    PlaywrightAssertions.assertThat(page.getByText("Created provider acme.")).isVisible();
    Locator row = row("llm.acme.example");
    PlaywrightAssertions.assertThat(row).containsText("acme-large");

    // edit: the id is fixed; name, models, surfaces and the auth header change
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit").setExact(true)).click();
    PlaywrightAssertions.assertThat(label("Provider id")).hasValue("acme");
    PlaywrightAssertions.assertThat(label("Provider id")).hasAttribute("readonly", "");
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    label("Name").fill("Acme 2");
    label("Models").fill("acme-large\nacme-large");
    button("Save").click();
    PlaywrightAssertions.assertThat(label("Models")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("listed twice");
    label("Models").fill("acme-large\nacme-xl");
    page.getByLabel("openai embeddings").check();
    label("Auth header").fill("X-Acme-Key");
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved provider acme.")).isVisible();
    PlaywrightAssertions.assertThat(row("llm.acme.example")).containsText("Acme 2");
    PlaywrightAssertions.assertThat(row("llm.acme.example")).containsText("acme-large, acme-xl");
    var acme = gateway.admin().providers().get("acme");
    assertThat(acme.name()).isEqualTo("Acme 2");
    assertThat(acme.models()).containsExactly("acme-large", "acme-xl");
    assertThat(acme.authHeader()).isEqualTo("X-Acme-Key");
    assertThat(acme.supportedApiSurfaces()).hasSize(2);
    screenshot("providers");

    // the provider serves through the gateway with a key entered on Provider keys
    open("Provider keys");
    label("Provider").fill("acme");
    label("Name").fill("acme-1");
    label("Value").fill(canaryBackup);
    button("Create provider key").click();
    PlaywrightAssertions.assertThat(row("acme-1")).isVisible();
    HttpResponse<String> served = chat(token, "acme/acme-xl");
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("AIG-Provider")).hasValue("acme");
    assertThat(upstream.requestsFor(canaryBackup)).singleElement()
        .satisfies(r -> assertThat(r.headers().get("X-Acme-Key")).isEqualTo(canaryBackup));

    // delete: refused while a provider key uses it, then done
    open("Providers");
    row = row("llm.acme.example");
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete").setExact(true)).click();
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm delete")).click();
    PlaywrightAssertions.assertThat(row.getByRole(AriaRole.ALERT)).containsText("referenced by provider key");
    gateway.admin().providerKeys().delete(providerKey("acme-1").id());
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm delete")).click();
    PlaywrightAssertions.assertThat(page.getByText("No custom providers.")).isVisible();
    assertThat(gateway.admin().providers().list(null, 100).items()).isEmpty();
    assertThat(chat(token, "acme/acme-xl").statusCode()).isEqualTo(404);
    assertThat(dialogOpened).isFalse();
  }

  @Test
  void virtualModels_createEditAndDelete_andAVirtualModelServesThroughTheApi() throws Exception {
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("backup")
        .value(canaryBackup).build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("Web app").build()).token();
    signIn();
    open("Virtual models");
    PlaywrightAssertions.assertThat(region("Virtual models")).isVisible();
    label("Name").fill("fast");
    label("Description").fill("mini first");
    label("Target 1").fill("no-such-model-anywhere");
    button("Add target").click();
    PlaywrightAssertions.assertThat(label("Target 2")).isFocused();
    label("Target 2").fill("openai:gpt-4o");
    button("Create virtual model").click();
    PlaywrightAssertions.assertThat(label("Target 1")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("targets[0]");
    label("Target 1").fill("openai/gpt-4o-mini");
    button("Create virtual model").click();
    PlaywrightAssertions.assertThat(page.getByText("Created virtual model fast.")).isVisible();
    PlaywrightAssertions.assertThat(row("mini first")).containsText("openai/gpt-4o-mini → openai:gpt-4o");

    HttpResponse<String> first = chat(token, "fast");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("AIG-Model")).hasValue("gpt-4o-mini");

    // edit: the order changes, and so does the model that serves
    row("mini first").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Edit").setExact(true)).click();
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    button("Move target 2 up").click();
    PlaywrightAssertions.assertThat(label("Target 1")).hasValue("openai:gpt-4o");
    label("Description").fill("gpt-4o first");
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved virtual model fast.")).isVisible();
    PlaywrightAssertions.assertThat(row("gpt-4o first")).containsText("openai:gpt-4o → openai/gpt-4o-mini");
    assertThat(gateway.admin().virtualModels().list(null, 100).items()).singleElement()
        .satisfies(vm -> assertThat(vm.targets()).containsExactly("openai:gpt-4o", "openai/gpt-4o-mini"));
    HttpResponse<String> second = chat(token, "fast");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("AIG-Model")).hasValue("gpt-4o");
    screenshot("virtual-models");

    row("gpt-4o first").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete").setExact(true))
        .click();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Confirm delete")).click();
    PlaywrightAssertions.assertThat(page.getByText("No virtual models.")).isVisible();
    assertThat(chat(token, "fast").statusCode()).isEqualTo(404);
  }

  @Test
  void editor_roundTripsAWholeConfiguration_limitsRulesByProviderAndModel_inlineKeys() throws Exception {
    String a = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value(canaryBackup).build()).id();
    String inlineSecret = "sk-canary-" + random();
    String typedSecret = "sk-canary-" + random();
    String json = "{\"name\":\"Everything\",\"description\":\"all fields\",\"metadata\":\"team=web\","
        + "\"access\":{\"providers\":{\"allow\":[\"openai\",\"anthropic\"]},\"models\":{\"allow\":[]}},"
        + "\"router\":{\"rules\":["
        + "{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"ordered\","
        + "\"keys\":[{\"id\":\"" + a + "\"},{\"name\":\"inline\",\"value\":\"" + inlineSecret + "\"}]},{\"type\":\"ngrok\"}]},"
        + "{\"model\":\"openai:gpt-4o-mini\",\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"round-robin\","
        + "\"keys\":[{\"id\":\"" + a + "\"}]}]},"
        + "{\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-6\",\"steps\":[{\"type\":\"managed\"}]}]},"
        + "\"limits\":{\"requestsPerMinute\":600,\"tokensPerMinute\":200000,\"concurrentRequests\":20,"
        + "\"budget\":{\"amountCents\":5000,\"period\":\"week\"}}}";
    String id = gateway.admin().configurations().create(ConfigurationJson.parseCreate(json)).id();
    JsonNode before = adminGet("/access-key-configurations/" + id);
    signIn();
    received.clear();
    page.navigate(base + "/dashboard/#configurations/" + id);
    PlaywrightAssertions.assertThat(region("Limits")).isVisible();
    PlaywrightAssertions.assertThat(label("Requests per minute")).hasValue("600");
    PlaywrightAssertions.assertThat(label("Budget period")).hasValue("week");
    PlaywrightAssertions.assertThat(label("Allowed models")).isEnabled();
    PlaywrightAssertions.assertThat(label("Allowed models")).hasValue("");
    Locator rule3 = page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Rule 3").setExact(true));
    PlaywrightAssertions.assertThat(rule3.getByLabel("Match by")).hasValue("both");
    PlaywrightAssertions.assertThat(rule3.getByLabel("Model", new Locator.GetByLabelOptions().setExact(true)))
        .hasValue("claude-sonnet-4-6");
    // the inline key was stored as a provider key when the configuration was created: listed by name only
    PlaywrightAssertions.assertThat(label("Provider key 2").locator("option:checked")).containsText("inline (openai");
    received.add(page.content());

    // saved unchanged: the same configuration, the stored inline key included
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved configuration Everything.")).isVisible();
    JsonNode after = adminGet("/access-key-configurations/" + id);
    for (String f : new String[] {"name", "description", "metadata", "access", "router", "limits"}) {
      assertThat(after.path(f)).as(f).isEqualTo(before.path(f));
    }

    // a bad limit is named at its field; a cleared budget and a new count are saved
    page.navigate(base + "/dashboard/#configurations/" + id);
    label("Requests per minute").fill("lots");
    button("Save").click();
    PlaywrightAssertions.assertThat(label("Requests per minute")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("limits.requestsPerMinute");
    label("Requests per minute").fill("100");
    label("Budget in cents").fill("");
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved configuration Everything.")).isVisible();
    assertThat(adminGet("/access-key-configurations/" + id).path("limits").toString())
        .isEqualTo("{\"requestsPerMinute\":100,\"tokensPerMinute\":200000,\"concurrentRequests\":20}");

    // the routing changes: a rule moves, and an inline key is added (stored as a provider key on save)
    page.navigate(base + "/dashboard/#configurations/" + id);
    page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Rule 3").setExact(true))
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Move rule up")).click();
    Locator step = page.getByRole(AriaRole.GROUP, new Page.GetByRoleOptions().setName("Rule 1").setExact(true))
        .getByRole(AriaRole.GROUP, new Locator.GetByRoleOptions().setName("Step 1").setExact(true));
    step.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add inline key")).click();
    label("Inline key 3 name").fill("typed here");
    button("Save").click();
    PlaywrightAssertions.assertThat(label("Inline key 3 value")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("router.rules[0].steps[0].keys[2]");
    label("Inline key 3 value").fill(typedSecret);
    button("Show JSON").click();
    PlaywrightAssertions.assertThat(page.getByLabel("Configuration JSON")).containsText("\"value\": \"(typed, not shown)\"");
    received.add(page.content());
    button("Save").click();
    PlaywrightAssertions.assertThat(page.getByText("Saved configuration Everything.")).isVisible();
    JsonNode rules = adminGet("/access-key-configurations/" + id).path("router").path("rules");
    assertThat(rules.get(1).path("provider").asText()).isEqualTo("anthropic");
    assertThat(rules.get(1).path("model").asText()).isEqualTo("claude-sonnet-4-6");
    JsonNode keys = rules.get(0).path("steps").get(0).path("keys");
    assertThat(keys.findValuesAsText("name")).containsExactly("a", "inline", "typed here");
    assertThat(keys.get(2).path("id").asText()).startsWith("aigpk_");
    assertThat(rules.get(0).path("steps").get(1).path("type").asText()).isEqualTo("ngrok");
    assertThat(rules.get(2).path("steps").get(0).path("keySelectionStrategy").asText()).isEqualTo("round-robin");

    // nothing the browser received holds a stored secret, the one typed in the editor included
    assertNoCanaryIn(received, canaryBackup, inlineSecret, typedSecret);
  }

  @Test
  void usagePage_drawsChartsAndListsRequests_fromRealTrafficOverSeveralDays() throws Exception {
    upstream.forKey(canaryBroken).always(FakeUpstream.json(500, "{\"error\":{\"message\":\"down\"}}"));
    for (String[] k : new String[][] {{"openai", "primary", canaryPrimary}, {"openai", "backup", canaryBackup},
        {"anthropic", "broken", canaryBroken}}) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(k[0]).name(k[1]).value(k[2]).build());
    }
    String web = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("Web app").build()).token();
    String batch = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("Batch jobs").build()).token();
    int[][] perDay = {{3, 1, 1}, {2, 5, 0}, {4, 2, 2}}; // web, batch, failing requests per day
    String lastFailover = null;
    for (int[] day : perDay) {
      for (int i = 0; i < day[0]; i++) {
        HttpResponse<String> r = chat(web, "gpt-4o");
        assertThat(r.statusCode()).isEqualTo(200);
        if ("2".equals(r.headers().firstValue("AIG-Attempts").orElse(""))) {
          lastFailover = r.headers().firstValue("AIG-Request-Id").orElseThrow();
        }
      }
      for (int i = 0; i < day[1]; i++) {
        assertThat(chat(batch, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
      }
      for (int i = 0; i < day[2]; i++) {
        assertThat(chat(batch, "anthropic/claude-sonnet-4-6").statusCode()).isEqualTo(503);
      }
      clock.advance(Duration.ofDays(1));
    }
    assertThat(lastFailover).as("a request that failed over").isNotNull();

    signIn();
    open("Usage");
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions()
        .setName("Requests per day: 2026-01-01 5, 2026-01-02 7, 2026-01-03 8"))).isVisible();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions()
        .setName("Errors per day: 2026-01-01 1, 2026-01-02 0, 2026-01-03 2"))).isVisible();
    Locator cost = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName(
        Pattern.compile("^Cost per day: 2026-01-01 [0-9.e-]+, 2026-01-02 [0-9.e-]+, 2026-01-03 [0-9.e-]+$")));
    PlaywrightAssertions.assertThat(cost).isVisible();
    Matcher perDayCost = Pattern.compile("2026-01-0\\d ([0-9.e-]+)")
        .matcher(cost.getAttribute("aria-label"));
    int days = 0;
    while (perDayCost.find()) {
      assertThat(Double.parseDouble(perDayCost.group(1))).as(perDayCost.group()).isPositive();
      days++;
    }
    assertThat(days).isEqualTo(3);
    PlaywrightAssertions.assertThat(page.locator(".legend").first()).containsText("openai");
    PlaywrightAssertions.assertThat(page.locator(".legend").first()).containsText("anthropic");

    label("Group by").selectOption("accessKey");
    PlaywrightAssertions.assertThat(label("Group by")).isFocused();
    PlaywrightAssertions.assertThat(page.locator(".legend").first()).containsText("Web app");
    PlaywrightAssertions.assertThat(page.locator(".legend").first()).containsText("Batch jobs");
    page.getByText("Show the numbers").click();
    Locator numbers = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Usage per day"));
    PlaywrightAssertions.assertThat(numbers.getByRole(AriaRole.ROW, new Locator.GetByRoleOptions()
        .setName("2026-01-02 Batch jobs 5 0").setExact(false))).isVisible();

    Locator recent = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Recent requests"));
    PlaywrightAssertions.assertThat(recent.getByRole(AriaRole.ROW)).hasCount(21); // header + the 20 newest
    PlaywrightAssertions.assertThat(recent).containsText("Batch jobs");
    recent.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Show attempts of " + lastFailover)).click();
    Locator attempts = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("Attempts"));
    PlaywrightAssertions.assertThat(attempts).isFocused();
    PlaywrightAssertions.assertThat(label("Request id")).hasValue(lastFailover);
    PlaywrightAssertions.assertThat(attempts.getByRole(AriaRole.ROW)).hasCount(3);
    PlaywrightAssertions.assertThat(attempts).containsText("429");
    PlaywrightAssertions.assertThat(attempts).containsText("primary");
    PlaywrightAssertions.assertThat(attempts).containsText("served");
    label("Group by").selectOption("provider");
    page.evaluate("() => document.activeElement.blur()");
    screenshot("usage");
    assertNoCanaryIn(received, canaryPrimary, canaryBackup, canaryBroken);
  }

  @Test
  void keyboardOnly_createsAKey_copiesItsToken_andDeletesIt() {
    signIn();
    button("New access key").focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    page.keyboard().type("Keyboard key");
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(button("Copy")).isFocused();
    String token = label("Token").inputValue();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(page.getByText("Copied to the clipboard.")).isVisible();
    assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(token);
    page.keyboard().press("Tab");
    PlaywrightAssertions.assertThat(button("Done")).isFocused();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(label("Token")).hasCount(0);

    Locator row = row("Keyboard key");
    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete").setExact(true)).focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions()
        .setName("Confirm delete"))).isFocused();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(page.getByText("Deleted access key Keyboard key.")).isVisible();
    assertThat(gateway.admin().accessKeys().list(null, 100).items()).isEmpty();

    // the navigation is a list of links: Enter on one opens its page
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Virtual models").setExact(true)).focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(region("Virtual models")).isVisible();
    PlaywrightAssertions.assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions()
        .setName("Virtual models").setExact(true))).hasAttribute("aria-current", "page");
  }

  @Test
  void adminKeys_createdInThePage_signInWithTheNewToken_deleteTheOriginal_theLastOneIsRefused() throws Exception {
    CreatedAdminKey initial = storedAdminKeysOnly();
    assertThat(adminStatus(adminToken)).as("no configured token any more").isEqualTo(401);
    signIn(initial.token());
    open("Admin API keys");
    PlaywrightAssertions.assertThat(region("Admin API keys")).isVisible();
    PlaywrightAssertions.assertThat(row("initial")).containsText("(signed in with this key)");
    PlaywrightAssertions.assertThat(row("initial")).containsText(initial.key().keyRedacted());

    button("New admin API key").click();
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    label("Name").fill("ci");
    label("Description").fill("deploys");
    button("Create admin API key").click();
    Locator token = label("Token");
    PlaywrightAssertions.assertThat(token).isVisible();
    String value = token.inputValue();
    assertThat(value).startsWith("aigak_").hasSizeGreaterThan(40);
    PlaywrightAssertions.assertThat(region("Admin API key ci created")).containsText("it is only shown once");
    PlaywrightAssertions.assertThat(button("Copy")).isFocused();
    button("Copy").click();
    PlaywrightAssertions.assertThat(page.getByText("Copied to the clipboard.")).isVisible();
    assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo(value);
    assertThat(adminStatus(value)).as("the new token works at once").isEqualTo(200);
    button("Done").click();
    PlaywrightAssertions.assertThat(label("Token")).hasCount(0);
    PlaywrightAssertions.assertThat(row("deploys")).containsText("ci");
    page.evaluate("() => document.activeElement.blur()");
    screenshot("admin-api-keys");

    // canary: once the panel is closed, the new token is in no page and in no answer but the create's
    for (String p : new String[] {"Keys", "Configurations", "Provider keys", "Providers", "Virtual models", "Usage",
        "Admin API keys"}) {
      open(p);
      PlaywrightAssertions.assertThat(region(p)).isVisible();
      received.add(page.content());
    }
    String created = "POST " + base + "/api-keys\n";
    assertThat(received).filteredOn(r -> r.startsWith(created)).singleElement()
        .satisfies(r -> assertThat(r).contains(value));
    List<String> rest = received.stream().filter(r -> !r.startsWith(created)).toList();
    assertThat(rest).hasSizeGreaterThan(10);
    assertNoCanaryIn(rest, value);
    assertThat(page.evaluate("() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage)").toString())
        .doesNotContain(value.substring(value.lastIndexOf('_') + 1));

    // rotation: sign in with the new token, delete the original
    button("Sign out").click();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    signIn(value);
    open("Admin API keys");
    PlaywrightAssertions.assertThat(row("deploys")).containsText("(signed in with this key)");
    PlaywrightAssertions.assertThat(row("initial")).not().containsText("(signed in with this key)");
    rowButton(row("initial"), "Delete").click();
    PlaywrightAssertions.assertThat(rowButton(row("initial"), "Confirm delete")).isFocused();
    rowButton(row("initial"), "Confirm delete").click();
    PlaywrightAssertions.assertThat(page.getByText("Deleted admin API key initial.")).isVisible();
    PlaywrightAssertions.assertThat(row("initial")).hasCount(0);
    assertThat(adminStatus(initial.token())).isEqualTo(401);
    assertThat(gateway.admin().adminKeys().list(null, 100).items()).singleElement()
        .satisfies(k -> assertThat(k.name()).isEqualTo("ci"));

    // the last one stays: the API's refusal is shown in its row, and the page stays signed in
    Locator last = row("deploys");
    rowButton(last, "Delete").click();
    PlaywrightAssertions.assertThat(last.getByText("This page is signed in with it")).isVisible();
    rowButton(last, "Confirm delete").click();
    PlaywrightAssertions.assertThat(last.getByRole(AriaRole.ALERT)).containsText("is the last one and cannot be deleted");
    PlaywrightAssertions.assertThat(region("Admin API keys")).isVisible();
    assertThat(adminStatus(value)).isEqualTo(200);
    assertThat(gateway.admin().adminKeys().list(null, 100).items()).hasSize(1);
    rowButton(last, "Cancel").click();
    PlaywrightAssertions.assertThat(rowButton(last, "Delete")).isFocused();
  }

  @Test
  void adminKeys_deletingTheKeyThisPageIsSignedInWith_returnsToSignIn_andSoDoesAKeyDeletedElsewhere() throws Exception {
    CreatedAdminKey initial = storedAdminKeysOnly();
    CreatedAdminKey other = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("other").build());
    signIn(initial.token());
    open("Admin API keys");
    Locator own = row("initial");
    rowButton(own, "Delete").click();
    rowButton(own, "Confirm delete").click();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    PlaywrightAssertions.assertThat(label("Admin key")).isFocused();
    PlaywrightAssertions.assertThat(page.locator("#sign-in-error"))
        .hasText("You deleted admin API key initial, the key this page was signed in with. Sign in with another admin key.");
    PlaywrightAssertions.assertThat(region("Admin API keys")).hasCount(0);
    assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);
    assertThat(adminStatus(initial.token())).isEqualTo(401);

    // signed in with a key that another operator then deletes: the next call answers 401, back to sign-in
    signIn(other.token());
    gateway.admin().adminKeys().create(AdminKeyChange.builder().name("third").build());
    open("Admin API keys");
    PlaywrightAssertions.assertThat(row("third")).isVisible();
    gateway.admin().adminKeys().delete(other.key().id());
    rowButton(row("third"), "Edit").click();
    label("Description").fill("still here?");
    button("Save").click();
    PlaywrightAssertions.assertThat(label("Admin key")).isVisible();
    PlaywrightAssertions.assertThat(page.locator("#sign-in-error")).containsText("it may have been deleted");
    PlaywrightAssertions.assertThat(page.locator("#sign-in-error")).containsText("Sign in again");
    assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);
    assertThat(gateway.admin().adminKeys().list(null, 100).items()).singleElement()
        .satisfies(k -> assertThat(k.description()).isNull());
  }

  @Test
  void adminKeys_editNameAndDescription_errorsAtTheirField_andKeyboardOnly() {
    signIn();
    String id = gateway.admin().adminKeys().create(AdminKeyChange.builder().name("deploy").description("old")
        .build()).key().id();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin API keys").setExact(true)).focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(region("Admin API keys")).isVisible();

    rowButton(row("deploy"), "Edit").focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    PlaywrightAssertions.assertThat(label("Description")).hasValue("old");
    label("Description").fill("x".repeat(256));
    label("Description").press("Enter");
    PlaywrightAssertions.assertThat(label("Description")).hasAttribute("aria-invalid", "true");
    PlaywrightAssertions.assertThat(label("Description")).isFocused();
    PlaywrightAssertions.assertThat(page.locator(".field-error")).hasCount(1);
    PlaywrightAssertions.assertThat(page.locator(".field-error")).containsText("description");
    assertThat(gateway.admin().adminKeys().get(id).description()).isEqualTo("old");

    label("Name").fill("deploy-2");
    label("Description").fill("");
    label("Description").press("Enter");
    PlaywrightAssertions.assertThat(page.getByText("Saved admin API key deploy-2.")).isVisible();
    assertThat(gateway.admin().adminKeys().get(id).name()).isEqualTo("deploy-2");
    assertThat(gateway.admin().adminKeys().get(id).description()).as("an emptied field clears it").isNull();

    // created and deleted with the keyboard alone
    button("New admin API key").focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(label("Name")).isFocused();
    page.keyboard().type("Keyboard admin");
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(button("Copy")).isFocused();
    page.keyboard().press("Tab");
    PlaywrightAssertions.assertThat(button("Done")).isFocused();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(label("Token")).hasCount(0);
    rowButton(row("Keyboard admin"), "Delete").focus();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(rowButton(row("Keyboard admin"), "Confirm delete")).isFocused();
    page.keyboard().press("Enter");
    PlaywrightAssertions.assertThat(page.getByText("Deleted admin API key Keyboard admin.")).isVisible();
    assertThat(gateway.admin().adminKeys().list(null, 100).items()).singleElement()
        .satisfies(k -> assertThat(k.id()).isEqualTo(id));
  }

  @Test
  void anInlineScript_isRefusedByThePolicy_andTheRefusalIsNoticed() {
    // the check after each test relies on the browser reporting refusals; this shows that it does
    signIn();
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';"
        + " document.body.append(s); }");
    assertThat(page.evaluate("() => window.ran === true")).isEqualTo(false);
    for (int i = 0; i < 50 && policyViolations.isEmpty(); i++) {
      page.waitForTimeout(100);
    }
    assertThat(policyViolations).isNotEmpty();
    policyViolations.clear();
  }
}
