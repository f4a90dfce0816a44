package dev.aigateway.examples.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** Limit refusals as an HTTP client sees them (DESIGN §4): status, error code, Retry-After, no upstream call. */
final class LimitsOverHttpTest {

  @Test
  void overTheKeysLimits_clientsGet429WithRetryAfter_and403ForABudget() throws Exception {
    FakeClock clock = FakeClock.at(Instant.parse("2026-11-22T10:00:20Z"));
    FakeUpstream upstream = FakeUpstream.create(clock);
    upstream.otherwise().always(FakeUpstream.json(200, "{\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"));
    try (Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .usagePricing((provider, model, in, out) -> 100_000_000).build()) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-http-0123456789abcdef").build());
      String rpm = token(gateway, "{\"name\":\"rpm\",\"limits\":{\"requestsPerMinute\":1}}");
      String budget = token(gateway, "{\"name\":\"budget\",\"limits\":{\"budget\":{\"amountCents\":50,"
          + "\"period\":\"day\"}}}");
      HttpServer server = GatewayHttpHandler.newServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
      server.createContext("/", GatewayHttpHandler.create(gateway));
      server.start();
      try {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions";
        HttpClient http = HttpClient.newHttpClient();
        assertThat(post(http, url, rpm).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = post(http, url, rpm);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
        assertThat(limited.headers().firstValue("x-should-retry")).isEmpty();
        assertThat(limited.headers().firstValue("AIG-Attempts")).hasValue("0");
        assertThat(limited.body()).contains("\"code\":\"access_key_rate_limited\"")
            .contains("\"type\":\"rate_limit_error\"").doesNotContain(rpm);

        assertThat(post(http, url, budget).statusCode()).isEqualTo(200); // costs 100 of 50 cents
        HttpResponse<String> spent = post(http, url, budget);
        assertThat(spent.statusCode()).isEqualTo(403);
        assertThat(spent.headers().firstValue("Retry-After")).isEmpty();
        assertThat(spent.body()).contains("\"code\":\"access_key_budget_exceeded\"");
        assertThat(upstream.requests()).hasSize(2);
      } finally {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
      }
    }
  }

  private static String token(Gateway gateway, String configuration) {
    String id = gateway.admin().configurations().create(ConfigurationJson.parseCreate(configuration)).id();
    return gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k").configurationId(id).build())
        .token();
  }

  private static HttpResponse<String> post(HttpClient http, String url, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
