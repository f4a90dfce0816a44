package dev.aigateway.benchmarks;

import dev.aigateway.config.ConfigurationJson;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Added latency of the gateway against direct calls to the same local mock provider, measured
 * interleaved (direct, gateway, direct, gateway, ...) one request at a time, so both see the same machine
 * state. Prints p50/p90/p99 of each path and of their difference.
 *
 * <pre>java -cp gateway-benchmarks/target/benchmarks.jar dev.aigateway.benchmarks.LatencyHarness [iterations]</pre>
 */
public final class LatencyHarness {
  private static final byte[] CHAT = ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
      + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1}}").getBytes(StandardCharsets.UTF_8);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int SSE_CHUNKS = 20;
  private static final long SSE_GAP_NANOS = 200_000;

  private LatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ExecutorService mockPool = Executors.newFixedThreadPool(4);
    HttpServer mock = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    mock.setExecutor(mockPool);
    mock.createContext("/", LatencyHarness::mockProvider);
    mock.start();
    String mockBase = "http://127.0.0.1:" + mock.getAddress().getPort();

    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory())
        .baseUrl("openai", mockBase + "/v1")
        .upstream(OkHttpUpstream.create())
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("limited")
        .value("sk-rate-limited-0000").build());
    String ok = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("ok")
        .value("sk-ok-000000000000").build()).id();
    String onlyOk = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"ok\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"" + ok + "\"}]}]}]}}")).id();
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(onlyOk).build()).token();
    String failoverToken = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();

    HttpServer front = GatewayHttpHandler.newServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    front.createContext("/", GatewayHttpHandler.create(gateway));
    front.start();
    String frontBase = "http://127.0.0.1:" + front.getAddress().getPort();

    OkHttpClient client = OkHttpUpstream.defaultClient();
    byte[] body = PlanBenchmark.chatBody(1024);
    String streamBody = new String(body, StandardCharsets.UTF_8).replace("{\"model\":\"gpt-4o\"",
        "{\"model\":\"gpt-4o\",\"stream\":true");

    Runnable direct = () -> call(client, mockBase + "/v1/chat/completions", "sk-ok-000000000000", body);
    Runnable inProcess = () -> {
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          new String(body, StandardCharsets.UTF_8)))) {
        if (r.status() != 200) {
          throw new IllegalStateException("status " + r.status());
        }
      }
    };
    Runnable viaHandler = () -> call(client, frontBase + "/v1/chat/completions", token, body);
    Runnable directRateLimitedThenOk = () -> {
      callExpecting(client, mockBase + "/v1/chat/completions", "sk-rate-limited-0000", body, 429);
      call(client, mockBase + "/v1/chat/completions", "sk-ok-000000000000", body);
    };
    Runnable failover = () -> {
      gateway.cooldowns().clearAll();
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, failoverToken,
          new String(body, StandardCharsets.UTF_8)))) {
        if (r.status() != 200 || r.attempts().size() != 2) {
          throw new IllegalStateException("expected a failover: " + r);
        }
      }
    };

    System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; %d iterations each, interleaved%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), iterations);
    compare("in-process gateway.handle() vs direct OkHttp", direct, inProcess, iterations);
    compare("through the JDK HTTP handler vs direct OkHttp", direct, viaHandler, iterations);
    compare("failover 429 -> next key vs direct 429 + 200", directRateLimitedThenOk, failover, iterations);
    streams(client, mockBase, frontBase, token, streamBody.getBytes(StandardCharsets.UTF_8), iterations / 20);

    front.stop(0);
    mock.stop(0);
    mockPool.shutdownNow();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
    System.exit(0);
  }

  private static void compare(String name, Runnable base, Runnable subject, int iterations) {
    for (int i = 0; i < iterations / 4; i++) { // warm-up
      base.run();
      subject.run();
    }
    long[] a = new long[iterations];
    long[] b = new long[iterations];
    long[] d = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      base.run();
      long t1 = System.nanoTime();
      subject.run();
      long t2 = System.nanoTime();
      a[i] = t1 - t0;
      b[i] = t2 - t1;
      d[i] = b[i] - a[i];
    }
    System.out.println(name);
    print("  base    ", a);
    print("  subject ", b);
    print("  added   ", d);
    Arrays.sort(a);
    Arrays.sort(b);
    System.out.printf(Locale.ROOT, "  ratio of medians subject/base: %.3f%n", (double) b[b.length / 2] / a[a.length / 2]);
  }

  private static void streams(OkHttpClient client, String mockBase, String frontBase, String token, byte[] body,
      int iterations) throws IOException {
    for (int i = 0; i < Math.max(10, iterations / 4); i++) {
      stream(client, mockBase + "/v1/chat/completions", "sk-ok-000000000000", body, null, 0);
      stream(client, frontBase + "/v1/chat/completions", token, body, null, 0);
    }
    long[] ttfbDirect = new long[iterations];
    long[] ttfbGateway = new long[iterations];
    long[] gapsDirect = new long[iterations * (SSE_CHUNKS - 1)];
    long[] gapsGateway = new long[iterations * (SSE_CHUNKS - 1)];
    for (int i = 0; i < iterations; i++) {
      ttfbDirect[i] = stream(client, mockBase + "/v1/chat/completions", "sk-ok-000000000000", body, gapsDirect,
          i * (SSE_CHUNKS - 1));
      ttfbGateway[i] = stream(client, frontBase + "/v1/chat/completions", token, body, gapsGateway,
          i * (SSE_CHUNKS - 1));
    }
    long[] added = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      added[i] = ttfbGateway[i] - ttfbDirect[i];
    }
    System.out.println("SSE through the JDK HTTP handler vs direct (" + SSE_CHUNKS + " events, "
        + SSE_GAP_NANOS / 1000 + " us apart)");
    print("  first byte, direct  ", ttfbDirect);
    print("  first byte, gateway ", ttfbGateway);
    print("  first byte, added   ", added);
    print("  chunk gap, direct   ", gapsDirect);
    print("  chunk gap, gateway  ", gapsGateway);
  }

  /** Time to the first body byte; records the gaps between events into {@code gaps}. */
  private static long stream(OkHttpClient client, String url, String key, byte[] body, long @Nullable [] gaps, int at)
      throws IOException {
    long t0 = System.nanoTime();
    try (Response r = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + key)
        .post(RequestBody.create(body, JSON)).build()).execute()) {
      InputStream in = r.body().byteStream();
      byte[] buf = new byte[4096];
      long first = 0;
      long last = 0;
      int events = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n' && i > 0 && buf[i - 1] == '\n') {
            if (events == 0) {
              first = now - t0;
            } else if (gaps != null && events - 1 < SSE_CHUNKS - 1) {
              gaps[at + events - 1] = now - last;
            }
            last = now;
            events++;
          }
        }
      }
      if (events != SSE_CHUNKS) {
        throw new IllegalStateException("got " + events + " events");
      }
      return first;
    }
  }

  private static void call(OkHttpClient client, String url, String key, byte[] body) {
    callExpecting(client, url, key, body, 200);
  }

  private static void callExpecting(OkHttpClient client, String url, String key, byte[] body, int status) {
    try (Response r = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + key)
        .post(RequestBody.create(body, JSON)).build()).execute()) {
      r.body().bytes();
      if (r.code() != status) {
        throw new IllegalStateException("status " + r.code() + " from " + url);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void mockProvider(HttpExchange exchange) throws IOException {
    byte[] request;
    try (InputStream in = exchange.getRequestBody()) {
      request = in.readAllBytes();
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth != null && auth.contains("rate-limited")) {
      exchange.getResponseHeaders().set("Retry-After", "30");
      exchange.sendResponseHeaders(429, -1);
      exchange.close();
      return;
    }
    if (new String(request, StandardCharsets.UTF_8).contains("\"stream\":true")) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < SSE_CHUNKS; i++) {
        long until = System.nanoTime() + SSE_GAP_NANOS;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        out.write(("data: {\"choices\":[{\"delta\":{\"content\":\"t" + i + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      out.close();
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, CHAT.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(CHAT);
    }
  }

  private static void print(String label, long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    System.out.printf(Locale.ROOT, "%s p50 %8.1f us   p90 %8.1f us   p99 %8.1f us%n", label, v[v.length / 2] / 1e3,
        v[(int) (v.length * 0.9)] / 1e3, v[(int) (v.length * 0.99)] / 1e3);
  }
}
