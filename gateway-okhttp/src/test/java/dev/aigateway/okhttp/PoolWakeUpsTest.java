package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OkHttp's pool notifies its cleanup thread whenever a connection is released: a thread wake-up per
 * upstream call, on a machine where the gateway should wake only the thread serving the request. The
 * default client's pool delivers those notifications from the watchdog's 10 ms tick instead.
 */
final class PoolWakeUpsTest {
  private static final int REQUESTS = 1000;
  private KeepAliveServer server;
  private OkHttpUpstream upstream;
  private Gateway gateway;
  private String token;

  @BeforeEach
  void start() throws Exception {
    server = new KeepAliveServer(10_000);
    upstream = OkHttpUpstream.create();
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).baseUrl("openai", server.baseUrl())
        .upstream(upstream).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("only")
        .value("sk-pool-test-0000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("pool").build()).token();
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    upstream.close();
    server.close();
  }

  private void chat() {
    try (GatewayResponse r = gateway.handle(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token).body("{\"model\":\"gpt-4o\",\"messages\":[]}").build())) {
      assertThat(r.status()).isEqualTo(200);
    }
  }

  @Test
  void connectionRelease_doesNotWakeOkHttpsPoolThread_perRequest() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "counts context switches from Linux's /proc");
    assertThat(QuietConnectionPool.available()).as("the tests run with the exports the quiet pool needs").isTrue();
    for (int i = 0; i < 20; i++) {
      chat(); // the pool, its coordinator and the connection exist before counting
    }
    long before = poolThreadSwitches();
    long[] notesBefore = QuietConnectionPool.notifications();
    long start = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      chat();
    }
    long ticks = (System.nanoTime() - start) / 10_000_000L + 2;
    long switches = poolThreadSwitches() - before;
    long[] notes = QuietConnectionPool.notifications();

    assertThat(server.connections.get()).as("one kept-alive connection served everything").isEqualTo(1);
    // OkHttp's own pool: its coordinator wakes on nearly every release (about 1.9 switches per call measured);
    // here the watchdog and the coordinator may each wake once per 10 ms tick, however many calls complete
    assertThat(switches).as("context switches of the pool's and the watchdog's threads over %d calls in %d ticks",
        REQUESTS, ticks).isLessThanOrEqualTo(3 * ticks).isLessThan(REQUESTS / 2);
    assertThat(notes[0] - notesBefore[0]).as("releases asked for a cleanup").isPositive();
  }

  @Test
  void heldBackNotifications_areDeliveredWithinTicks_soIdleConnectionsStillClose() throws Exception {
    long[] before = QuietConnectionPool.notifications();
    chat();
    // a release asks for a cleanup unless one is already due (it is while the coordinator has not yet run the
    // last one): after a pause, the next release asks
    for (int i = 0; i < 20 && QuietConnectionPool.notifications()[0] == before[0]; i++) {
      Thread.sleep(50);
      chat();
    }
    // each one asked for is delivered at a tick
    long deadline = System.nanoTime() + 2_000_000_000L;
    long[] after = QuietConnectionPool.notifications();
    while (after[1] < after[0] && System.nanoTime() < deadline) {
      Thread.sleep(5);
      after = QuietConnectionPool.notifications();
    }
    assertThat(after[0]).as("the releases asked for a cleanup").isGreaterThan(before[0]);
    assertThat(after[1]).as("the watchdog delivered every notification held back").isEqualTo(after[0]);
    upstream.ownedClient().connectionPool().evictAll();
    assertThat(upstream.ownedClient().connectionPool().connectionCount()).isZero();
    chat(); // a new connection after eviction still works through the quiet pool
    assertThat(server.connections.get()).isEqualTo(2);
  }

  /**
   * Voluntary and involuntary switches of this JVM's threads named by OkHttp ("OkHttp TaskRunner" and the
   * tasks it runs) or by this module ("aigateway-okhttp-pool", "aigateway-okhttp-watchdog").
   */
  private static long poolThreadSwitches() throws IOException {
    long total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
          if (!name.startsWith("OkHttp") && !name.startsWith("aigateway-okhtt")) {
            continue;
          }
          for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8)) {
            if (line.contains("ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException gone) {
          // the thread ended between listing and reading
        }
      }
    }
    return total;
  }
}
