package dev.aigateway.internal.usage;

import dev.aigateway.spi.Clock;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Usage events in memory, newest first in a concurrent skip list: at most {@code maxEvents} (the oldest
 * are dropped first) and none older than the retention. Recording takes no lock.
 */
public final class InMemoryUsageLog implements UsageLog {
  private final Clock clock;
  private final Duration retention;
  private final int maxEvents;
  private final ConcurrentSkipListMap<UsageKey, UsageEvent> events = new ConcurrentSkipListMap<>(UsageKey.NEWEST_FIRST);
  private final AtomicInteger size = new AtomicInteger();

  public InMemoryUsageLog(Clock clock, Duration retention, int maxEvents) {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be > 0 but was " + maxEvents);
    }
    this.clock = clock;
    this.retention = retention;
    this.maxEvents = maxEvents;
  }

  @Override
  public void record(List<UsageEvent> batch) {
    for (UsageEvent e : batch) {
      if (events.put(UsageKey.of(Objects.requireNonNull(e, "event")), e) == null) {
        size.incrementAndGet();
      }
    }
    prune();
  }

  /** Drops the events beyond the bound and those past the retention. */
  private void prune() {
    Instant cutoff = cutoff();
    while (true) {
      Map.Entry<UsageKey, UsageEvent> oldest = events.lastEntry();
      if (oldest == null || (size.get() <= maxEvents && !oldest.getKey().timestamp().isBefore(cutoff))) {
        return;
      }
      if (events.remove(oldest.getKey(), oldest.getValue())) {
        size.decrementAndGet();
      }
    }
  }

  private Instant cutoff() {
    return clock.now().minus(retention);
  }

  @Override
  public EventPage list(Query query) {
    Objects.requireNonNull(query, "query");
    NavigableMap<UsageKey, UsageEvent> from = query.cursor() == null ? events
        : events.tailMap(UsageKey.parse(query.cursor()), false);
    Instant cutoff = cutoff();
    List<UsageEvent> page = new ArrayList<>();
    for (UsageEvent e : from.values()) {
      if (e.timestamp().isBefore(cutoff)) {
        break;
      }
      if (query.start() != null && e.timestamp().isBefore(query.start())) {
        break;
      }
      if (query.matches(e)) {
        if (page.size() == query.limit()) {
          return new EventPage(page, UsageKey.of(page.get(page.size() - 1)).cursor());
        }
        page.add(e);
      }
    }
    return new EventPage(page, null);
  }

  @Override
  public List<Bucket> overview(@Nullable Instant start, @Nullable Instant end, GroupBy groupBy) {
    Objects.requireNonNull(groupBy, "groupBy");
    Instant cutoff = cutoff();
    Instant from = start == null || start.isBefore(cutoff) ? cutoff : start;
    OverviewSums sums = new OverviewSums(groupBy);
    for (UsageEvent e : events.values()) {
      if (e.timestamp().isBefore(from)) {
        break;
      }
      if (end == null || e.timestamp().isBefore(end)) {
        sums.add(e);
      }
    }
    return sums.buckets();
  }

  @Override
  public String toString() {
    return "InMemoryUsageLog[events=" + size.get() + ", max=" + maxEvents + ", retention=" + retention + "]";
  }
}
