package dev.aigateway.examples.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.KeyStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * QUALITY 16: 1,000 concurrent requests through the HTTP surface with a mix of 200/429/503 upstream
 * answers on loopback. Every request gets exactly one final answer, the provider's request count equals
 * the attempts the gateway reported, and no handler thread or upstream call is left behind.
 */
final class LoadTest {

  @Test
  void thousandConcurrentRequests_loseAndDuplicateNothing() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    AtomicInteger served = new AtomicInteger();
    MockWebServer provider = new MockWebServer();
    provider.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        int n = served.getAndIncrement();
        return switch (n % 5) {
          case 3 -> new MockResponse.Builder().code(429).addHeader("Retry-After", "0").body("{}").build();
          case 4 -> new MockResponse.Builder().code(503).body("{}").build();
          default -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
              .body("{\"id\":\"ok\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}").build();
        };
      }
    });
    provider.start(InetAddress.getLoopbackAddress(), 0);
    OkHttpClient upstreamClient = OkHttpUpstream.defaultClient();
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory())
        .baseUrl("openai", provider.url("/v1").toString())
        .baseUrl("anthropic", provider.url("/anthropic/v1").toString())
        .upstream(OkHttpUpstream.create(upstreamClient))
        .build();
    for (String name : List.of("a", "b", "c")) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name(name)
          .value("sk-load-" + name + "-000000").build());
    }
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("anthropic").name("d")
        .value("sk-load-d-000000").build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    // a full pool answers 503 (no attempts), so it is sized for the burst: this test is about the engine
    ExecutorService pool = GatewayHttpHandler.newExecutor(256);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(pool);
    server.createContext("/", GatewayHttpHandler.create(gateway));
    server.start();
    ExecutorService clientPool = Executors.newFixedThreadPool(32);
    HttpClient client = HttpClient.newBuilder().executor(clientPool).connectTimeout(Duration.ofSeconds(10)).build();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
    int total = 1_000;
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      futures.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + token)
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"n\":" + i
              + "}")).build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);

    Map<Integer, Integer> statuses = new TreeMap<>();
    int reportedAttempts = 0;
    java.util.Set<String> requestIds = new java.util.HashSet<>();
    for (CompletableFuture<HttpResponse<String>> f : futures) {
      HttpResponse<String> r = f.get();
      statuses.merge(r.statusCode(), 1, Integer::sum);
      reportedAttempts += Integer.parseInt(r.headers().firstValue("AIG-Attempts").orElseThrow());
      requestIds.add(r.headers().firstValue("AIG-Request-Id").orElseThrow());
    }
    assertThat(requestIds).hasSize(total);
    assertThat(statuses.keySet()).isSubsetOf(Set.of(200, 429, 503));
    assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
    assertThat(statuses.get(200)).isGreaterThan(total / 2);
    assertThat(provider.getRequestCount()).isEqualTo(reportedAttempts);
    assertThat(served.get()).isEqualTo(reportedAttempts);

    server.stop(0);
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    clientPool.shutdownNow();
    assertThat(upstreamClient.dispatcher().runningCallsCount()).isZero();
    upstreamClient.connectionPool().evictAll();
    assertThat(upstreamClient.connectionPool().connectionCount()).isZero();
    // no handler thread of this test is left; a worker may still be returning from its run loop after
    // awaitTermination, so each gets a bounded moment to exit (other tests' threads may still be winding down)
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("aigateway-http") && !before.contains(t)) {
        t.join(5_000);
      }
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("aigateway-http")
        && t.isAlive() && !before.contains(t));
    provider.close();
  }
}
