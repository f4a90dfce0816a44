package dev.aigateway.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUALITY 20 for the runnable server: slow clients, hundreds of long streams and a full gateway pool never
 * stop other clients, the model list or the management API from being answered within 2 s, and overload is
 * a 503 with {@code Retry-After}, never a hang. Real server, real loopback provider, raw sockets; every loop
 * is bounded.
 */
final class ServerHardeningTest {
  private static final String ADMIN = "aigak_hardening_0123456789abcdefghijklmnopqrstuvwxyzABCD";
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

  @TempDir
  Path data;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Socket> sockets = new ArrayList<>();
  private final CountDownLatch releaseStreams = new CountDownLatch(1);
  private HttpServer provider;
  private ExecutorService providerPool;
  private GatewayServer server;
  private String token;

  @BeforeEach
  void startProvider() throws IOException {
    // an OpenAI-format provider on loopback: plain requests answer at once; a stream sends one event and
    // then stays open until the test ends (at most 30 s)
    providerPool = Executors.newFixedThreadPool(400);
    provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    provider.setExecutor(providerPool);
    provider.createContext("/v1/chat/completions", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      if (body.contains("\"stream\":true")) {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write("data: 1\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
          releaseStreams.await(30, TimeUnit.SECONDS);
          out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException gone) {
          // the gateway closed the stream
        }
        exchange.close();
        return;
      }
      byte[] json = "{\"id\":\"chatcmpl-plain\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, json.length);
      exchange.getResponseBody().write(json);
      exchange.close();
    });
    provider.start();
  }

  private void startServer(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--data", data.toString(), "--allow-private-upstreams",
        "--upstream", "openai=http://127.0.0.1:" + provider.getAddress().getPort() + "/v1"));
    args.addAll(List.of(extra));
    server = GatewayServer.start(args.toArray(String[]::new), Map.of("AIGATEWAY_ADMIN_KEY", ADMIN),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    server.gateway().admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("p")
        .value("sk-hardening-000000").build());
    token = server.gateway().admin().accessKeys().create(AccessKeyChange.builder().name("h").build()).token();
  }

  @AfterEach
  void stop() {
    releaseStreams.countDown();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    if (server != null) {
      server.close();
    }
    provider.stop(0);
    providerPool.shutdownNow();
  }

  private int port() {
    return URI.create(server.url()).getPort();
  }

  private Socket open() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port());
    s.setSoTimeout(10_000);
    sockets.add(s);
    return s;
  }

  /** The three short requests that must always be answered: the model list, a plain request, the admin API. */
  private void assertShortRequestsAnswerWithinTwoSeconds() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/models"))
        .header("Authorization", "Bearer " + token).timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);

    start = System.nanoTime();
    HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).timeout(ANSWER_WITHIN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("{\"id\":\"chatcmpl-plain\"}");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);

    start = System.nanoTime();
    HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/access-keys"))
        .header("Authorization", "Bearer " + ADMIN).timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);
  }

  @Test
  void slowloris_twoHundredConnectionsDrippingHeaders_neitherStopOthers_norStayOpen() throws Exception {
    startServer("--header-timeout", "3", "--idle-timeout", "10");
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Socket s = open();
      s.getOutputStream().write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      slow.add(s);
    }
    long openedAt = System.nanoTime();
    // drip one header byte per connection every 100 ms (never finishing the headers) while others are served
    Thread dripper = new Thread(() -> {
      for (int round = 0; round < 40 && !Thread.currentThread().isInterrupted(); round++) {
        for (Socket s : slow) {
          try {
            s.getOutputStream().write('X');
            s.getOutputStream().flush();
          } catch (IOException closed) {
            // the server closed it: expected
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "slowloris");
    dripper.start();
    try {
      assertShortRequestsAnswerWithinTwoSeconds();
      // every slow connection is closed by the server (end of stream, or a reset) within a few seconds
      int closed = 0;
      for (Socket s : slow) {
        s.setSoTimeout((int) Math.max(1, Duration.ofSeconds(8).toMillis()
            - Duration.ofNanos(System.nanoTime() - openedAt).toMillis()));
        try {
          InputStream in = s.getInputStream();
          while (in.read() >= 0) {
            // whatever the server sent before closing (perhaps a 408)
          }
          closed++;
        } catch (SocketTimeoutException stillOpen) {
          break;
        } catch (IOException reset) {
          closed++;
        }
      }
      assertThat(closed).as("slow connections the server closed").isEqualTo(200);
    } finally {
      dripper.interrupt();
      dripper.join(5_000);
    }
  }

  @Test
  void threeHundredOpenStreams_starveNeitherPlainRequests_northeModelList_norTheAdminApi() throws Exception {
    // a header timeout shorter than the streams: it must not cut a connection whose request is under way
    startServer("--header-timeout", "3");
    List<Socket> streams = new ArrayList<>();
    byte[] body = "{\"model\":\"gpt-4o\",\"stream\":true}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 300; i++) {
      Socket s = open();
      s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      streams.add(s);
    }
    for (Socket s : streams) {
      String head = readUntil(s.getInputStream(), "data: 1");
      assertThat(head).startsWith("HTTP/1.1 200").contains("text/event-stream");
    }
    assertShortRequestsAnswerWithinTwoSeconds();
    Thread.sleep(3_500);
    // the streams are still open and end cleanly once the provider finishes them
    releaseStreams.countDown();
    assertThat(readUntil(streams.get(0).getInputStream(), "[DONE]")).contains("data: [DONE]");
  }

  @Test
  void fullGatewayPool_isAnsweredAt503WithRetryAfter_atOnce_whileShortRequestsStillWork() throws Exception {
    startServer("--gateway-threads", "4");
    byte[] body = "{\"model\":\"gpt-4o\",\"stream\":true}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 4; i++) {
      Socket s = open();
      s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      assertThat(readUntil(s.getInputStream(), "data: 1")).startsWith("HTTP/1.1 200");
    }
    long start = System.nanoTime();
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + token).timeout(ANSWER_WITHIN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(refused.headers().firstValue("AIG-Request-Id")).isPresent();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWER_WITHIN);
    HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/models"))
        .header("Authorization", "Bearer " + token).timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(models.statusCode()).isEqualTo(200);
    HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/access-keys"))
        .header("Authorization", "Bearer " + ADMIN).timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(admin.statusCode()).isEqualTo(200);
  }

  /** Reads until {@code marker} arrived (bounded by the socket's timeout and 64 KiB). */
  private static String readUntil(InputStream in, String marker) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (seen.size() < 65_536) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      seen.write(buf, 0, n);
      if (seen.toString(StandardCharsets.UTF_8).contains(marker)) {
        break;
      }
    }
    return seen.toString(StandardCharsets.UTF_8);
  }
}
