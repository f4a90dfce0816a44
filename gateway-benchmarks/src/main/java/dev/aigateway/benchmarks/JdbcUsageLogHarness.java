package dev.aigateway.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aigateway.jdbc.JdbcUsageLog;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The time {@link JdbcUsageLog#flush()} takes to insert one batch of usage events (one {@code insert ... select
 * from unnest(...)} statement up to 5,000 rows), after warm-up rounds; each round's events are new rows.
 *
 * <pre>
 * java -cp gateway-benchmarks/target/benchmarks.jar dev.aigateway.benchmarks.JdbcUsageLogHarness \
 *     'jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres' 1000 50
 * </pre>
 */
public final class JdbcUsageLogHarness {
  private JdbcUsageLogHarness() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int warmup = 20;
    String schema = String.format(Locale.ROOT, "harness_%x", System.nanoTime());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config);
        JdbcUsageLog log = JdbcUsageLog.builder().dataSource(pool).schema(schema)
            .flushInterval(Duration.ofHours(1)).build()) {
      long[] micros = new long[rounds];
      Instant now = Instant.now();
      for (int round = -warmup; round < rounds; round++) {
        List<UsageEvent> events = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          events.add(new UsageEvent(now.plusNanos(i), "rq_" + (round + warmup) + "_" + i, "aigk_bench" + (i % 20),
              1, true, 200, false, i % 3 == 0, "stop", 1_200, 350, 0, 0, 6_775, KeySource.USER, "aigpk_bench",
              "openai", "gpt-4o"));
        }
        log.record(events);
        long t0 = System.nanoTime();
        log.flush();
        long took = (System.nanoTime() - t0) / 1_000;
        if (round >= 0) {
          micros[round] = took;
        }
      }
      Arrays.sort(micros);
      System.out.printf(Locale.ROOT, "flush of %,d usage events, %d rounds after %d warm-up: min %.2f ms, p50 %.2f ms, "
          + "p90 %.2f ms, max %.2f ms (%.1f µs per event at p50)%n", batch, rounds, warmup, micros[0] / 1e3,
          micros[rounds / 2] / 1e3, micros[rounds * 9 / 10] / 1e3, micros[rounds - 1] / 1e3,
          micros[rounds / 2] / (double) batch);
    }
  }
}
