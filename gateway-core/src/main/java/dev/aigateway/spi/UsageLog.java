package dev.aigateway.spi;

import dev.aigateway.internal.usage.InMemoryUsageLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the gateway keeps its usage events: one {@link UsageEvent} per upstream attempt, recorded when a
 * request ends (a stream when it ends), kept for a retention period (default {@link #DEFAULT_RETENTION}),
 * listed newest first with an opaque cursor, and summed into daily (UTC) buckets for the overview.
 *
 * <p>What an implementation promises, whatever it keeps the events in (memory, the data directory, a
 * database table): an event recorded is listed exactly once by a walk through the pages of one query, even
 * while new events are recorded (newer events appear on no page of a walk already started); events older
 * than the retention are never listed nor summed; a cursor is a string the implementation made, opaque to
 * callers, and one it did not make is refused with {@link IllegalArgumentException}. The order is
 * {@link UsageEvent#timestamp()} descending, then request id and attempt number descending: on a database,
 * an index on {@code (timestamp, request_id, attempt_number)} and a keyset condition serve it. Events may be
 * made durable in batches: an implementation documents how much a crash can lose.
 *
 * <p>Thread-safety: {@link #record} is called concurrently from request threads (after the response has
 * ended, so it should not block on I/O); the queries from the management API. Implementations must be
 * thread-safe.
 */
public interface UsageLog {
  /** How long events are kept unless configured otherwise: 30 days. */
  Duration DEFAULT_RETENTION = Duration.ofDays(30);
  /** The largest page {@link #list} returns. */
  int MAX_PAGE = 1000;

  /** Adds the events of one request (one per attempt). */
  void record(List<UsageEvent> events);

  /** One page of the events that match {@code query}, newest first. */
  EventPage list(Query query);

  /**
   * Daily (UTC) buckets of the events in {@code [start, end)}, one per day and group that has events:
   * {@code cost} summed over all attempts, {@code requests} and {@code errors} counted over final attempts.
   * Ordered by day, then group key.
   */
  List<Bucket> overview(@Nullable Instant start, @Nullable Instant end, GroupBy groupBy);

  /** Events in memory, at most {@code maxEvents} (the oldest are dropped first), kept 30 days; lost with the process. */
  static UsageLog inMemory(Clock clock) {
    return new InMemoryUsageLog(Objects.requireNonNull(clock, "clock"), DEFAULT_RETENTION, 100_000);
  }

  /**
   * Events in memory, lost with the process.
   *
   * @param retention how long an event is kept (after its timestamp)
   * @param maxEvents how many events are kept at most; the oldest are dropped first
   */
  static UsageLog inMemory(Clock clock, Duration retention, int maxEvents) {
    return new InMemoryUsageLog(Objects.requireNonNull(clock, "clock"), checkRetention(retention), maxEvents);
  }

  /** Checks a retention period (positive); for implementations. */
  static Duration checkRetention(Duration retention) {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be > 0 but was " + retention);
    }
    return retention;
  }

  /** What an overview bucket's group key is. */
  enum GroupBy {
    /** The provider id. */
    PROVIDER("provider"),
    /** The access key id. */
    ACCESS_KEY("accessKey");

    private final String json;

    GroupBy(String json) {
      this.json = json;
    }

    /** The name in {@code ?groupBy=}. */
    public String json() {
      return json;
    }

    /** The group key of {@code e}. */
    public String key(UsageEvent e) {
      return this == PROVIDER ? e.provider() : e.accessKeyId();
    }
  }

  /**
   * Which events to list.
   *
   * @param start the earliest timestamp (inclusive), or null
   * @param end the latest timestamp (exclusive), or null
   * @param accessKeyId only this key's events, or null for all
   * @param includeRetries false: only each request's final attempt
   * @param cursor the previous page's {@link EventPage#nextCursor()}, or null for the first page
   * @param limit 1 to {@link #MAX_PAGE}
   */
  record Query(@Nullable Instant start, @Nullable Instant end, @Nullable String accessKeyId, boolean includeRetries,
      @Nullable String cursor, int limit) {
    public Query {
      if (limit < 1 || limit > MAX_PAGE) {
        throw new IllegalArgumentException("limit must be from 1 to " + MAX_PAGE + " but was " + limit);
      }
    }

    /** All events, first page, 100 at most. */
    public static Query all() {
      return new Query(null, null, null, true, null, 100);
    }

    /** Whether {@code e} matches the filters (not the cursor). */
    public boolean matches(UsageEvent e) {
      return (start == null || !e.timestamp().isBefore(start)) && (end == null || e.timestamp().isBefore(end))
          && (accessKeyId == null || accessKeyId.equals(e.accessKeyId())) && (includeRetries || e.isFinalAttempt());
    }

    public Query withCursor(@Nullable String cursor) {
      return new Query(start, end, accessKeyId, includeRetries, cursor, limit);
    }
  }

  /**
   * One page of events.
   *
   * @param events newest first
   * @param nextCursor where the next page starts, or null when this was the last
   */
  record EventPage(List<UsageEvent> events, @Nullable String nextCursor) {
    public EventPage {
      events = List.copyOf(events);
    }
  }

  /**
   * One day and group of the overview.
   *
   * @param bucketStart midnight UTC of the day
   * @param groupKey the provider id or access key id
   * @param costMicroCents the cost of every attempt, in micro-cents
   * @param requests how many requests ended (final attempts)
   * @param errors how many of them ended in an error
   */
  record Bucket(Instant bucketStart, String groupKey, long costMicroCents, long requests, long errors) {
    public Bucket {
      Objects.requireNonNull(bucketStart, "bucketStart");
      Objects.requireNonNull(groupKey, "groupKey");
    }
  }
}
