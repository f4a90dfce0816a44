package dev.aigateway.spi;

import java.time.Instant;

/**
 * The gateway's source of time: wall-clock instants for timestamps and a monotonic nanosecond ticker
 * for deadlines and cooldowns. Injected so tests can use a fake clock ({@code dev.aigateway.testkit.FakeClock}).
 * Implementations must be thread-safe.
 */
public interface Clock {
  /** The current wall-clock time. */
  Instant now();

  /** A monotonic time in nanoseconds, for measuring intervals only. */
  long nanoTime();

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
