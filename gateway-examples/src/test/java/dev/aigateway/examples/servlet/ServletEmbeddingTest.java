package dev.aigateway.examples.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The two registrations of {@link ServletEmbedding}, in a real Jetty 12 on loopback. */
final class ServletEmbeddingTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeUpstream upstream;
  private Gateway gateway;
  private AdminKeys adminKeys;
  private String adminToken;
  private String token;
  private Server server;

  @BeforeEach
  void setUp() {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("a")
        .value("sk-embed-a-0000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();
    adminKeys = new AdminKeys();
    adminToken = AdminKeys.newToken();
    adminKeys.allowToken(adminToken);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private String start(ServletContextListener registration) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getOutputStream().write(("the app at " + req.getRequestURI()).getBytes(StandardCharsets.UTF_8));
      }
    }), "/*");
    context.addEventListener(registration);
    server.setHandler(context);
    server.start();
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  private HttpResponse<String> get(String url, String bearer) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servlets_serveTheGatewayAndTheManagementApi_andLeaveTheAppItsPaths() throws Exception {
    String base = start(new ServletContextListener() {
      @Override
      public void contextInitialized(ServletContextEvent event) {
        ServletEmbedding.registerServlets(event.getServletContext(), gateway, adminKeys);
      }
    });
    upstream.forKey("sk-embed-a").respond(FakeUpstream.sse(200, "data: 1\n\n", "data: [DONE]\n\n"));
    HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"stream\":true}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.body()).isEqualTo("data: 1\n\ndata: [DONE]\n\n");
    HttpResponse<String> keys = get(base + "/aigateway/access-keys", adminToken);
    assertThat(keys.statusCode()).isEqualTo(200);
    assertThat(keys.body()).contains("\"aiGatewayAccessKeys\"").contains("\"name\":\"app\"");
    assertThat(get(base + "/orders/7", token).body()).isEqualTo("the app at /orders/7");
  }

  @Test
  void filter_servesV1_andPassesTheRestToTheApp() throws Exception {
    String base = start(new ServletContextListener() {
      @Override
      public void contextInitialized(ServletContextEvent event) {
        ServletEmbedding.registerFilter(event.getServletContext(), gateway);
      }
    });
    HttpResponse<String> models = get(base + "/v1/models", token);
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.headers().firstValue("AIG-Request-Id")).isPresent();
    assertThat(get(base + "/v1-not-the-gateway", token).body()).isEqualTo("the app at /v1-not-the-gateway");
    assertThat(get(base + "/orders/7", token).body()).isEqualTo("the app at /orders/7");
  }
}
