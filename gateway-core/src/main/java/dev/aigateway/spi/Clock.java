package dev.aigateway.spi;

import java.time.Instant;

/**
 * The gateway's source of time: wall-clock instants for timestamps and a monotonic nanosecond ticker
 * for deadlines and cooldowns. Injected so tests can use a fake clock ({@code dev.aigateway.testing.FakeClock}).
 * Implementations must be thread-safe.
 */
public interface Clock {
  /** The current wall-clock time. */
  Instant now();

  /** A monotonic time in nanoseconds, for measuring intervals only. */
  long nanoTime();

  /**
   * Waits {@code duration} (the gateway waits at most once per request, for a rate-limited key). A fake
   * clock advances instead of sleeping.
   */
  default void sleep(java.time.Duration duration) throws InterruptedException {
    long nanos = duration.toNanos();
    if (nanos > 0) {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }

  /** The system clock: {@link Instant#now()} and {@link System#nanoTime()}. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
