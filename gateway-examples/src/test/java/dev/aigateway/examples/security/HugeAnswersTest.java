package dev.aigateway.examples.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: 90 clients at once each asking for a very large non-streamed answer ran the server out of
 * memory (each answer was buffered up to 64 MiB) and some clients never got an answer. The server runs
 * in its own process with a small heap; every client must get its whole answer.
 */
final class HugeAnswersTest {
  private static final String ADMIN = "aigak_huge_answers_admin_key_0123456789";
  private static final int CLIENTS = Integer.getInteger("huge.clients", 90);
  private static final int ANSWER_BYTES = 12 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;

  @Test
  void ninetyHugeAnswersAtOnce_underASmallHeap_everyClientGetsItsWholeAnswer() throws Exception {
    try (HugeProvider provider = new HugeProvider();
         ServerProcess server = ServerProcess.start(List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError"),
             Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--port", "0", "--data", data.toString(),
             "--allow-private-upstreams", "--upstream", "openai=" + provider.baseUrl())) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      send(http, server.url + "/provider-keys", ADMIN,
          "{\"providerId\":\"openai\",\"name\":\"k\",\"value\":\"sk-huge-0123456789\"}");
      String token = JSON.readTree(send(http, server.url + "/access-keys", ADMIN, "{\"name\":\"huge\"}"))
          .get("token").asText();

      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      AtomicInteger whole = new AtomicInteger();
      List<CompletableFuture<String>> answers = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> {
          try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(4)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            long n = 0;
            try (InputStream in = r.body()) {
              byte[] buf = new byte[65536];
              int k;
              while ((k = in.read(buf)) >= 0) {
                n += k;
              }
            }
            if (r.statusCode() == 200 && n == ANSWER_BYTES) {
              whole.incrementAndGet();
            }
            return r.statusCode() + " " + n;
          } catch (IOException | InterruptedException e) {
            return "failed: " + e;
          }
        }, clients));
      }
      List<String> outcomes = new ArrayList<>();
      for (CompletableFuture<String> a : answers) {
        outcomes.add(a.get(300, TimeUnit.SECONDS));
      }
      clients.shutdownNow();
      assertThat(server.isAlive()).as("the server survived (it exits on OutOfMemoryError): %s", server.output())
          .isTrue();
      assertThat(whole.get()).as("whole answers; outcomes: %s; server: %s", outcomes, server.output())
          .isEqualTo(CLIENTS);
      assertThat(provider.served.get()).as("one provider call per client").isEqualTo(CLIENTS);
    }
  }

  private static String send(HttpClient http, String url, String bearer, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(201);
    return r.body();
  }

  /** A loopback provider whose every answer is a valid JSON object of exactly ANSWER_BYTES bytes. */
  private static final class HugeProvider implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final AtomicInteger served = new AtomicInteger();

    HugeProvider() throws IOException {
      threads.execute(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            threads.execute(() -> answer(s));
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    String baseUrl() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private void answer(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int state = 0;
        while (state < 4) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          head.append((char) b);
          state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
            .matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0); // unread bytes would reset the close
        served.incrementAndGet();
        byte[] start = "{\"id\":\"huge\",\"filler\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}".getBytes(StandardCharsets.US_ASCII);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
            + ANSWER_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(start);
        byte[] filler = new byte[65536];
        Arrays.fill(filler, (byte) 'x');
        long left = (long) ANSWER_BYTES - start.length - end.length;
        while (left > 0) {
          int n = (int) Math.min(filler.length, left);
          out.write(filler, 0, n);
          left -= n;
        }
        out.write(end);
        out.flush();
      } catch (IOException e) {
        // the gateway went away
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      threads.shutdownNow();
    }
  }
}
