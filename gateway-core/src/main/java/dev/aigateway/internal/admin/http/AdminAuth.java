package dev.aigateway.internal.admin.http;

import dev.aigateway.admin.AdminKeys;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a bearer token may use the management API: a token configured in {@link AdminKeys}, or the
 * token of an admin API key in the store. The store's admin keys are read once after each change it reports
 * (a snapshot of ids and digests), never per request; every digest of the snapshot is compared with
 * {@link MessageDigest#isEqual}, without stopping at a match. A change reported by the store makes the next
 * request read them again, so a deleted key is refused at once. Last use is recorded at most once a minute per
 * key. Thread-safe.
 */
final class AdminAuth {
  private static final long TOUCH_INTERVAL_NANOS = 60_000_000_000L;
  private static final int MAX_TOKEN = 512;

  private final AdminKeys configured;
  private final KeyStore store;
  private final Clock clock;
  private final AdminKeys digests = new AdminKeys();
  private final AtomicLong generation = new AtomicLong();
  private final ConcurrentHashMap<String, Long> lastTouch = new ConcurrentHashMap<>();
  private volatile @Nullable Snapshot snapshot;

  private record Snapshot(long generation, String[] ids, byte[][] digests) {}

  AdminAuth(AdminKeys configured, KeyStore store, Clock clock) {
    this.configured = Objects.requireNonNull(configured, "configured");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    store.addListener((type, id) -> {
      if (type == ResourceType.ADMIN_KEY) {
        generation.incrementAndGet();
        lastTouch.remove(id);
      }
    });
  }

  /** Whether {@code token} is a configured admin token or the token of a stored admin API key. */
  boolean verify(@Nullable String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
      return false;
    }
    boolean ok = configured.verify(token);
    byte[] d = digests.digestOf(token);
    Snapshot s = current();
    int match = -1;
    for (int i = 0; i < s.digests().length; i++) {
      if (MessageDigest.isEqual(s.digests()[i], d)) {
        match = i;
      }
    }
    if (match >= 0) {
      touch(s.ids()[match]);
      return true;
    }
    return ok;
  }

  private Snapshot current() {
    long g = generation.get();
    Snapshot s = snapshot;
    if (s != null && s.generation() == g) {
      return s;
    }
    List<AdminKey> all = new ArrayList<>();
    String before = null;
    while (true) {
      List<AdminKey> page = store.adminKeys(before, 100);
      all.addAll(page);
      if (page.size() < 100) {
        break;
      }
      before = page.get(page.size() - 1).id();
    }
    String[] ids = new String[all.size()];
    byte[][] ds = new byte[all.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = all.get(i).id();
      ds[i] = all.get(i).tokenDigest();
    }
    Snapshot fresh = new Snapshot(g, ids, ds);
    snapshot = fresh;
    return fresh;
  }

  private void touch(String id) {
    long now = clock.nanoTime();
    Long last = lastTouch.get(id);
    if (last == null || now - last >= TOUCH_INTERVAL_NANOS) {
      lastTouch.put(id, now);
      store.touchAdminKey(id, clock.now());
    }
  }

  @Override
  public String toString() {
    return "AdminAuth[" + configured + "]";
  }
}
