package dev.aigateway.testing;

import dev.aigateway.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to. Both the wall clock and the monotonic ticker advance together.
 * Thread-safe.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * Gateway gateway = Gateway.builder().clock(clock).build();
 * clock.advance(Duration.ofSeconds(10));
 * }</pre>
 */
public final class FakeClock implements Clock {
  private final Instant origin;
  private final AtomicLong nanos = new AtomicLong();

  private FakeClock(Instant origin) {
    this.origin = origin;
  }

  public static FakeClock at(Instant origin) {
    return new FakeClock(origin);
  }

  /** A clock at 2026-01-01T00:00:00Z. */
  public static FakeClock create() {
    return at(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back; duration was " + d);
    }
    nanos.addAndGet(d.toNanos());
  }

  /** Advances the clock instead of sleeping. */
  @Override
  public void sleep(Duration duration) {
    if (!duration.isNegative()) {
      advance(duration);
    }
  }

  @Override
  public Instant now() {
    return origin.plusNanos(nanos.get());
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  @Override
  public String toString() {
    return "FakeClock[" + now() + "]";
  }
}
