package dev.aigateway.examples.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.spi.KeyStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

final class EmbeddedGatewayTest {

  @Test
  void theAppKeepsItsPaths_andTheGatewayServesV1() throws Exception {
    HttpServer server = EmbeddedGateway.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        KeyStore.inMemory(), Map.of());
    try {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(base + "/orders/42")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(app.body()).isEqualTo("hello from the app at /orders/42");
      HttpResponse<String> gw = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(gw.statusCode()).isEqualTo(401);
      assertThat(gw.body()).contains("invalid_access_key");
      assertThat(gw.headers().firstValue("AIG-Request-Id")).isPresent();
    } finally {
      server.stop(0);
      ((ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
