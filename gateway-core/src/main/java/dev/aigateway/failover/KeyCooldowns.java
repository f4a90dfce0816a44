package dev.aigateway.failover;

import dev.aigateway.spi.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cooldowns of credentials across requests: a key that was rate limited or refused is tried last until
 * its cooldown ends (tried last, not never). Keys are provider key ids or {@code managed:<provider>}.
 * Thread-safe; time comes from the gateway's {@link Clock}.
 */
public final class KeyCooldowns {
  private final Clock clock;
  private final ConcurrentHashMap<String, Long> untilNanos = new ConcurrentHashMap<>();

  /** Cooldowns on {@code clock}; a {@code Gateway} makes its own, reachable from {@code gateway.cooldowns()}. */
  public KeyCooldowns(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Cools {@code credentialKey} down for {@code duration} from now; a longer existing cooldown is kept. */
  public void coolDown(String credentialKey, Duration duration) {
    Objects.requireNonNull(credentialKey, "credentialKey");
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    long until = clock.nanoTime() + saturatedNanos(duration);
    untilNanos.merge(credentialKey, until, Math::max);
  }

  /** Time left on a cooldown; zero if the key is fresh. */
  public Duration remaining(String credentialKey) {
    long until = untilNanos(credentialKey);
    return until == 0 ? Duration.ZERO : Duration.ofNanos(until - clock.nanoTime());
  }

  /** The nanoTime at which the key is fresh again, or 0 if it is fresh now (expired entries are dropped). */
  public long untilNanos(String credentialKey) {
    Long until = untilNanos.get(credentialKey);
    if (until == null) {
      return 0;
    }
    if (until - clock.nanoTime() <= 0) {
      untilNanos.remove(credentialKey, until);
      return 0;
    }
    return until;
  }

  /** Whether no key is cooling (expired entries may still count until next looked up). */
  public boolean isEmpty() {
    return untilNanos.isEmpty();
  }

  /** Ends one cooldown at once (a rotated key starts fresh). */
  public void clear(String credentialKey) {
    untilNanos.remove(credentialKey);
  }

  public void clearAll() {
    untilNanos.clear();
  }

  /** The keys cooling now, with time left. */
  public Map<String, Duration> snapshot() {
    Map<String, Duration> out = new java.util.TreeMap<>();
    for (String k : untilNanos.keySet()) {
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
