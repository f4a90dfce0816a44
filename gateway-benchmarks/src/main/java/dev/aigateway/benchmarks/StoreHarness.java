package dev.aigateway.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.store.SecretBox;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.store.DataDirectoryKeyStore;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * The data-directory store at scale: load time with N access keys, the cost of one admin change
 * (append + fsync), and of a compaction.
 *
 * <pre>java -cp gateway-benchmarks/target/benchmarks.jar dev.aigateway.benchmarks.StoreHarness [keys]</pre>
 */
public final class StoreHarness {
  private StoreHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path dir = Files.createTempDirectory("aigateway-store-harness");
    // write a log of n access keys in the store's own format (creating them one by one would take n fsyncs)
    SecretBox box = SecretBox.load(null, dir.resolve("master.key"));
    StoreCodec codec = new StoreCodec(box);
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("store.log"), StandardCharsets.UTF_8)) {
      w.write("{\"format\":\"aigateway-store\",\"version\":1}\n");
      byte[] digest = new byte[32];
      Instant now = Instant.now();
      for (int i = 0; i < n; i++) {
        String id = "aigk_" + String.format(Locale.ROOT, "%022d", i);
        digest[0] = (byte) i;
        AccessKey k = AccessKey.builder().id(id).name("key " + i).keyRedacted("ng-0000***0000").secretDigest(digest)
            .createdAt(now).build();
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("op", "put");
        line.put("type", "accessKey");
        line.set("data", codec.accessKey(k));
        w.write(Json.MAPPER.writeValueAsString(line));
        w.write('\n');
      }
    }
    // the first open rewrites that version-1 log as version 2 (a checksum per line), once: measure the next
    DataDirectoryKeyStore.open(dir, null).close();
    long size = Files.size(dir.resolve("store.log"));
    long t0 = System.nanoTime();
    DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    Gateway gateway = Gateway.builder().keyStore(store).build();
    long[] change = new long[200];
    for (int i = 0; i < change.length; i++) {
      long s = System.nanoTime();
      gateway.admin().accessKeys().create(AccessKeyChange.builder().name("new " + i).build());
      change[i] = System.nanoTime() - s;
    }
    Arrays.sort(change);
    long c0 = System.nanoTime();
    store.compact();
    long compactMs = (System.nanoTime() - c0) / 1_000_000;
    store.close();
    System.out.printf(Locale.ROOT, "%d access keys, log %.1f MiB%n", n, size / 1048576.0);
    System.out.printf(Locale.ROOT, "open (replay the log): %d ms%n", loadMs);
    System.out.printf(Locale.ROOT, "one admin change (create a key: append + fsync): p50 %.2f ms, p99 %.2f ms%n",
        change[change.length / 2] / 1e6, change[(int) (change.length * 0.99)] / 1e6);
    System.out.printf(Locale.ROOT, "compaction of the whole store: %d ms%n", compactMs);
    try (var files = Files.list(dir)) {
      files.forEach(p -> p.toFile().delete());
    }
    Files.delete(dir);
  }
}
