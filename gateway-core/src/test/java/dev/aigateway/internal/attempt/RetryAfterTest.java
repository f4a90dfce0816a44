package dev.aigateway.internal.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** QUALITY 14: seconds, HTTP-date and retry-after-ms; garbage or negative uses the default; a past date is now. */
final class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void seconds_millis_andDates() {
    assertThat(RetryAfter.parse(null, "5", NOW)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RetryAfter.parse(null, " 1.5 ", NOW)).isEqualTo(Duration.ofMillis(1500));
    assertThat(RetryAfter.parse("250", "5", NOW)).isEqualTo(Duration.ofMillis(250));
    assertThat(RetryAfter.parse("12.3", null, NOW)).isEqualTo(Duration.ofMillis(13));
    assertThat(RetryAfter.parse(null, "Sun, 22 Nov 2026 10:00:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aPastDate_meansNow() {
    assertThat(RetryAfter.parse(null, "Sun, 22 Nov 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
  }

  @Test
  void garbageNegativeOrAbsurd_fallBackToTheDefault() {
    for (String bad : new String[] {"soon", "-5", "", "NaN", "Infinity", "1e9", "Sun, 99 Nov 2026", "5s"}) {
      assertThat(RetryAfter.parse(null, bad, NOW)).as(bad).isNull();
    }
    assertThat(RetryAfter.parse("-1", null, NOW)).isNull();
    assertThat(RetryAfter.parse("abc", "7", NOW)).isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(null, null, NOW)).isNull();
  }
}
