package dev.aigateway.internal.attempt;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Reads how long a provider asked us to wait: {@code retry-after-ms} (milliseconds, as OpenAI sends),
 * else {@code Retry-After} as seconds or an HTTP-date. Garbage, negative or absurd values give null (the
 * caller's default); a date in the past means now (zero).
 */
public final class RetryAfter {
  /** Longer waits are not believed. */
  static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  public static @Nullable Duration parse(@Nullable String retryAfterMs, @Nullable String retryAfter, Instant now) {
    Duration ms = millis(retryAfterMs);
    if (ms != null) {
      return ms;
    }
    if (retryAfter == null) {
      return null;
    }
    String v = retryAfter.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (Character.isDigit(v.charAt(0)) || v.charAt(0) == '-' || v.charAt(0) == '.') {
      try {
        double seconds = Double.parseDouble(v);
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
          return null;
        }
        return cap(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : cap(d);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable Duration millis(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      double ms = Double.parseDouble(v.trim());
      if (!(ms >= 0) || Double.isInfinite(ms)) {
        return null;
      }
      return cap(Duration.ofMillis((long) Math.ceil(ms)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static @Nullable Duration cap(Duration d) {
    return d.compareTo(MAX) > 0 ? null : d;
  }
}
