package dev.aigateway.examples.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.resource.AccessKey;
import dev.aigateway.store.DataDirectoryKeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUALITY 17: a real server process is killed (SIGKILL) while admin writes are running; after a restart
 * the data directory loads and holds every change that was acknowledged.
 */
final class CrashDurabilityTest {
  private static final String ADMIN = "aigak_crash_test_admin_key_0123456789";
  @TempDir
  Path data;

  private ServerProcess startServer() throws Exception {
    return ServerProcess.start(List.of(), Map.of("AIGATEWAY_ADMIN_KEY", ADMIN), "--port", "0", "--data",
        data.toString());
  }

  @Test
  void killedMidWrites_everyAcknowledgedChangeSurvives() throws Exception {
    ServerProcess running = startServer();
    Process server = running.process();
    try {
      String url = running.url;
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        futures.add(writers.submit(() -> {
          for (int i = 0; i < 5_000 && !stop.get(); i++) {
            String name = "w" + writer + "-" + i;
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/access-keys"))
                  .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + ADMIN)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 201) {
                acknowledged.add(name);
              }
            } catch (Exception e) {
              return null; // the server is gone
            }
          }
          return null;
        }));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (acknowledged.size() < 150 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      server.destroyForcibly();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      writers.shutdownNow();
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(150);

      try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(data, null)) {
        Set<String> stored = ConcurrentHashMap.newKeySet();
        for (AccessKey k : store.accessKeys(null, Integer.MAX_VALUE)) {
          stored.add(k.name());
        }
        assertThat(stored).containsAll(acknowledged);
      }
      // and the real server starts on it again
      try (ServerProcess again = startServer()) {
        assertThat(again.url).startsWith("http://127.0.0.1:");
      }
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void aCrashBetweenCompactionWriteAndRename_losesNothing() throws Exception {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(data, null)) {
      dev.aigateway.Gateway g = dev.aigateway.Gateway.builder().keyStore(store).build();
      g.admin().accessKeys().create(dev.aigateway.admin.AccessKeyChange.builder().name("before").build());
    }
    // what a compaction leaves when the process dies after writing its temp file but before the rename
    Files.writeString(data.resolve("store.log.tmp"), "{\"format\":\"aigateway-store\",\"version\":1}\n{\"op\":\"put\",\"ty");
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(data, null)) {
      assertThat(store.accessKeys(null, 10)).extracting(AccessKey::name).containsExactly("before");
    }
  }
}
