package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The README's sample runs as written, with no provider key and no network beyond loopback. */
final class ReadmeExampleTest {

  @Test
  void theReadmeSample_runs_servesTheGatewayAndTheApp_andExplainsItsPlan() throws Exception {
    ReadmeExample.Started s = ReadmeExample.run();
    try {
      assertThat(s.plan().candidates()).singleElement().satisfies(c -> {
        assertThat(c.provider()).isEqualTo("openai");
        assertThat(c.attempts()).singleElement().satisfies(a -> assertThat(a.providerKeyName()).isEqualTo("main"));
      });
      assertThat(s.plan().explain()).contains("openai / gpt-4o").contains("provider key");
      String base = "http://127.0.0.1:" + s.server().getAddress().getPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(base + "/orders")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(app.statusCode()).as("the app keeps its own paths").isEqualTo(204);
      HttpResponse<String> gw = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(gw.statusCode()).as("the gateway serves /v1 and wants an access key").isEqualTo(401);
    } finally {
      s.server().stop(0);
      s.gateway().close();
    }
  }
}
