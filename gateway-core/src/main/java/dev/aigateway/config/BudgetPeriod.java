package dev.aigateway.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import org.jspecify.annotations.Nullable;

/**
 * The period a {@link Budget} covers: a calendar day, ISO week (Monday to Sunday) or month in UTC, or
 * {@code total} (never renews).
 */
public enum BudgetPeriod {
  DAY("day"),
  WEEK("week"),
  MONTH("month"),
  TOTAL("total");

  private final String json;

  BudgetPeriod(String json) {
    this.json = json;
  }

  /** The name used in JSON: {@code day}, {@code week}, {@code month} or {@code total}. */
  public String json() {
    return json;
  }

  /** The period named {@code json}, or null when there is none. */
  public static @Nullable BudgetPeriod fromJson(String json) {
    for (BudgetPeriod p : values()) {
      if (p.json.equals(json)) {
        return p;
      }
    }
    return null;
  }

  /** The start of the period holding {@code instant} (UTC); {@link Instant#EPOCH} for {@code total}. */
  public Instant start(Instant instant) {
    LocalDate day = LocalDate.ofInstant(instant, ZoneOffset.UTC);
    LocalDate start = switch (this) {
      case DAY -> day;
      case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
      case TOTAL -> LocalDate.of(1970, 1, 1);
    };
    return start.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The end (exclusive) of the period holding {@code instant}; {@link Instant#MAX} for {@code total}. */
  public Instant end(Instant instant) {
    LocalDate start = LocalDate.ofInstant(start(instant), ZoneOffset.UTC);
    LocalDate end = switch (this) {
      case DAY -> start.plusDays(1);
      case WEEK -> start.plusWeeks(1);
      case MONTH -> start.plusMonths(1);
      case TOTAL -> null;
    };
    return end == null ? Instant.MAX : end.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * A name for the period holding {@code instant}, the same on every instance: {@code day:2026-11-22},
   * {@code week:2026-11-16} (its Monday), {@code month:2026-11}, {@code total}. Counters are kept per name.
   */
  public String periodId(Instant instant) {
    LocalDate start = LocalDate.ofInstant(start(instant), ZoneOffset.UTC);
    return switch (this) {
      case DAY, WEEK -> json + ":" + start;
      case MONTH -> json + ":" + start.toString().substring(0, 7);
      case TOTAL -> json;
    };
  }
}
