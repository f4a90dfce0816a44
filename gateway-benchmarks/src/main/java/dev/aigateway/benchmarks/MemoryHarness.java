package dev.aigateway.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.KeyStore;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * Heap retained by the gateway: per cached access key (10,000 keys authenticated, so all cached) and per
 * open stream (streams held open mid-response). Retained heap is measured as used heap after full GCs.
 *
 * <pre>java -Xmx1g -cp gateway-benchmarks/target/benchmarks.jar dev.aigateway.benchmarks.MemoryHarness</pre>
 */
public final class MemoryHarness {
  private MemoryHarness() {}

  static long used() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  public static void main(String[] args) throws Exception {
    int keys = 10_000;
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).build();
    List<String> tokens = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      tokens.add(gateway.admin().accessKeys().create(AccessKeyChange.builder().name("k" + i).build()).token());
    }
    long before = used();
    for (String t : tokens) {
      gateway.authenticate(t);
    }
    long after = used();
    System.out.printf(Locale.ROOT, "%d cached access keys: %.2f MiB retained by the cache (%.0f B per key)%n", keys,
        (after - before) / 1048576.0, (after - before) / (double) keys);
    tokens.clear();

    // open streams: a mock that sends one event and then holds every stream open
    CountDownLatch release = new CountDownLatch(1);
    HttpServer mock = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    mock.setExecutor(Executors.newCachedThreadPool());
    mock.createContext("/", e -> {
      e.getRequestBody().readAllBytes();
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      OutputStream out = e.getResponseBody();
      out.write("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      try {
        release.await();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      out.close();
    });
    mock.start();
    Gateway streaming = Gateway.builder().keyStore(KeyStore.inMemory())
        .baseUrl("openai", "http://127.0.0.1:" + mock.getAddress().getPort() + "/v1")
        .upstream(OkHttpUpstream.create()).build();
    streaming.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-memory-0000000000").build());
    String token = streaming.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    int streams = 200;
    // warm up the code paths so class loading does not count
    List<GatewayResponse> open = new ArrayList<>();
    open.add(streaming.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\",\"stream\":true}")));
    long base = used();
    for (int i = 0; i < streams; i++) {
      GatewayResponse r = streaming.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\",\"stream\":true}"));
      r.body().read(new byte[64]);
      open.add(r);
    }
    long held = used();
    System.out.printf(Locale.ROOT, "%d open streams: %.2f MiB retained (%.1f KiB per stream, gateway and OkHttp)%n",
        streams, (held - base) / 1048576.0, (held - base) / 1024.0 / streams);
    release.countDown();
    open.forEach(GatewayResponse::close);
    mock.stop(0);
    System.exit(0);
  }
}
