package dev.aigateway.internal.usage;

import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The overview's sums, built by adding events one at a time: per UTC day and group, the cost of every
 * attempt and the requests and errors of final attempts. Memory grows with days times groups, not with
 * events. Not thread-safe.
 */
public final class OverviewSums {
  private final UsageLog.GroupBy groupBy;
  private final Map<Instant, Map<String, long[]>> days = new TreeMap<>();

  public OverviewSums(UsageLog.GroupBy groupBy) {
    this.groupBy = groupBy;
  }

  public void add(UsageEvent e) {
    Instant day = e.timestamp().truncatedTo(ChronoUnit.DAYS);
    long[] sum = days.computeIfAbsent(day, d -> new TreeMap<>()).computeIfAbsent(groupBy.key(e), k -> new long[3]);
    sum[0] = Math.addExact(sum[0], e.costMicroCents());
    if (e.isFinalAttempt()) {
      sum[1]++;
      if (e.isError()) {
        sum[2]++;
      }
    }
  }

  /** By day, then group key. */
  public List<UsageLog.Bucket> buckets() {
    List<UsageLog.Bucket> out = new ArrayList<>();
    days.forEach((day, groups) -> groups.forEach((key, s) -> out.add(new UsageLog.Bucket(day, key, s[0], s[1], s[2]))));
    return out;
  }
}
