package dev.aigateway.failover;

import dev.aigateway.spi.Clock;
import dev.aigateway.spi.SharedCooldowns;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cooldowns of credentials across requests. Keys are provider key ids or {@code managed:<provider>}. Two
 * kinds:
 *
 * <ul>
 *   <li>a cooldown the gateway chose ({@link #coolDown}: after 401/402/403, or a 429 without
 *       {@code Retry-After}): the key is tried last until it ends, not never;
 *   <li>a wait the provider asked for ({@link #honour}: a 429 with {@code Retry-After} or
 *       {@code retry-after-ms}): the key is not called at all until it ends, however often clients retry.
 * </ul>
 *
 * <p>With a {@link SharedCooldowns} (such as {@code gateway-redis}), provider-requested waits are also
 * published to other instances, and {@link #requestedUntilNanosShared} consults them before an attempt.
 *
 * <p>Thread-safe; time comes from the gateway's {@link Clock}.
 */
public final class KeyCooldowns {
  private static final Logger LOG = LoggerFactory.getLogger(KeyCooldowns.class);

  /** One key's cooldown: when it ends, and whether the provider asked for it. */
  private static final class Entry {
    final long untilNanos;
    final boolean requested;

    Entry(long untilNanos, boolean requested) {
      this.untilNanos = untilNanos;
      this.requested = requested;
    }
  }

  private final Clock clock;
  private final SharedCooldowns shared;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Cooldowns on {@code clock}; a {@code Gateway} makes its own, reachable from {@code gateway.cooldowns()}. */
  public KeyCooldowns(Clock clock) {
    this(clock, SharedCooldowns.NONE);
  }

  /** Cooldowns on {@code clock} whose provider-requested waits are shared through {@code shared}. */
  public KeyCooldowns(Clock clock, SharedCooldowns shared) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.shared = Objects.requireNonNull(shared, "shared");
  }

  /**
   * Cools {@code credentialKey} down for {@code duration} from now, a cooldown the gateway chose: the key
   * is tried last meanwhile. A longer existing cooldown is kept.
   */
  public void coolDown(String credentialKey, Duration duration) {
    put(credentialKey, duration, false);
  }

  /**
   * Honours a wait the provider asked for: the key is not called for {@code duration} from now. A longer
   * existing cooldown is kept; an equal or shorter one the gateway chose becomes this wait.
   */
  public void honour(String credentialKey, Duration duration) {
    put(credentialKey, duration, true);
    if (shared != SharedCooldowns.NONE && !duration.isNegative() && !duration.isZero()) {
      try {
        shared.honour(credentialKey, duration);
      } catch (RuntimeException e) {
        LOG.warn("SharedCooldowns.honour threw for {}; the wait is kept in this process only", credentialKey, e);
      }
    }
  }

  /**
   * Like {@link #requestedUntilNanos}, but when this process knows no such wait it asks the
   * {@link SharedCooldowns} (another instance may have been told one); a wait found there is kept here
   * until it ends. Without shared cooldowns this is {@link #requestedUntilNanos}.
   */
  public long requestedUntilNanosShared(String credentialKey) {
    long local = requestedUntilNanos(credentialKey);
    if (local != 0 || shared == SharedCooldowns.NONE) {
      return local;
    }
    Duration remaining;
    try {
      remaining = shared.remaining(credentialKey);
    } catch (RuntimeException e) {
      LOG.warn("SharedCooldowns.remaining threw for {}; treated as no wait", credentialKey, e);
      return 0;
    }
    if (remaining == null || remaining.isNegative() || remaining.isZero()) {
      return 0;
    }
    put(credentialKey, remaining, true);
    return requestedUntilNanos(credentialKey);
  }

  private void put(String credentialKey, Duration duration, boolean requested) {
    Objects.requireNonNull(credentialKey, "credentialKey");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    Entry fresh = new Entry(clock.nanoTime() + saturatedNanos(duration), requested);
    entries.merge(credentialKey, fresh, (old, now) -> {
      long d = now.untilNanos - old.untilNanos;
      if (d > 0 || (d == 0 && now.requested)) {
        return now;
      }
      return old;
    });
  }

  /** Time left on a cooldown of either kind; zero if the key is fresh. */
  public Duration remaining(String credentialKey) {
    long until = untilNanos(credentialKey);
    return until == 0 ? Duration.ZERO : Duration.ofNanos(until - clock.nanoTime());
  }

  /**
   * The {@link Clock#nanoTime()} at which the key is fresh again, or 0 if it is fresh now (expired entries
   * are dropped).
   */
  public long untilNanos(String credentialKey) {
    Entry e = live(credentialKey);
    return e == null ? 0 : e.untilNanos;
  }

  /**
   * The {@link Clock#nanoTime()} until which the provider asked not to call the key, or 0 when it did not
   * (or the wait is over).
   */
  public long requestedUntilNanos(String credentialKey) {
    Entry e = live(credentialKey);
    return e == null || !e.requested ? 0 : e.untilNanos;
  }

  private @Nullable Entry live(String credentialKey) {
    Entry e = entries.get(credentialKey);
    if (e == null) {
      return null;
    }
    if (e.untilNanos - clock.nanoTime() <= 0) {
      entries.remove(credentialKey, e);
      return null;
    }
    return e;
  }

  /** Whether no key is cooling (expired entries may still count until next looked up). */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Ends one cooldown at once (a rotated key starts fresh), here and in the {@link SharedCooldowns}; other
   * instances that already hold a copy of a shared wait keep it until it ends.
   */
  public void clear(String credentialKey) {
    entries.remove(credentialKey);
    if (shared != SharedCooldowns.NONE) {
      try {
        shared.clear(credentialKey);
      } catch (RuntimeException e) {
        LOG.warn("SharedCooldowns.clear threw for {}; the shared wait runs out by itself", credentialKey, e);
      }
    }
  }

  /** Ends every cooldown of this process (shared waits are left to run out). */
  public void clearAll() {
    entries.clear();
  }

  /** The keys cooling now, with time left. */
  public Map<String, Duration> snapshot() {
    Map<String, Duration> out = new TreeMap<>();
    for (String k : entries.keySet()) {
      Duration d = remaining(k);
      if (!d.isZero()) {
        out.put(k, d);
      }
    }
    return out;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }
}
