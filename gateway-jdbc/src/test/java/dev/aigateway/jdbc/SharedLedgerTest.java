package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances, each with its own pool, on one schema: credits stay exact under concurrent charges and
 * grants from all of them, and usage events written on any instance are listed and summed on every one.
 */
final class SharedLedgerTest {
  private final String schema = TestDatabase.newSchema();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) { // the ledgers and logs before their pools
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private com.zaxxer.hikari.HikariDataSource pool() {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(TestDatabase.get().jdbcUrl());
    config.setMaximumPoolSize(3);
    return keep(new com.zaxxer.hikari.HikariDataSource(config));
  }

  @Test
  void threeLedgers_chargingAndGrantingAtOnce_endOnTheExactBalance() throws Exception {
    List<JdbcCreditLedger> ledgers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // a short interval: batches of the three instances really do commit concurrently
      ledgers.add(keep(JdbcCreditLedger.builder().dataSource(pool()).schema(schema)
          .flushInterval(Duration.ofMillis(10)).build()));
    }
    int threadsPerLedger = 3;
    int chargesPerThread = 3_000;
    ExecutorService pool = Executors.newFixedThreadPool(ledgers.size() * threadsPerLedger);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (JdbcCreditLedger ledger : ledgers) {
        for (int t = 0; t < threadsPerLedger; t++) {
          boolean grants = t == 0;
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < chargesPerThread; i++) {
              ledger.charge(new CreditLedger.Charge("rq_" + i, "aigk_1", "openai", "gpt-4o", false, 2, 3, 11, 0));
              if (grants && i % 300 == 0) {
                ledger.grant(7, "top-up");
              }
            }
            return null;
          }));
        }
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (JdbcCreditLedger ledger : ledgers) {
      ledger.flush();
    }
    for (JdbcCreditLedger ledger : ledgers) {
      ledger.flush(); // reads the sum after every instance has written
    }
    long charges = (long) ledgers.size() * threadsPerLedger * chargesPerThread;
    long grants = ledgers.size() * ((chargesPerThread + 299L) / 300);
    long expected = grants * 7 * CreditLedger.MICRO_CENTS_PER_CENT - charges * 11;
    for (JdbcCreditLedger ledger : ledgers) {
      assertThat(ledger.balanceMicroCents()).isEqualTo(expected);
    }
    List<CreditTransaction> items = ledgers.get(0).transactions(null, 100).items();
    CreditTransaction usage = items.stream().filter(t -> t.type() == CreditTransaction.Type.USAGE).findFirst()
        .orElseThrow();
    assertThat(usage.requests()).isEqualTo(charges);
    assertThat(usage.inputTokens()).isEqualTo(2 * charges);
    assertThat(usage.outputTokens()).isEqualTo(3 * charges);
    assertThat(items.stream().filter(t -> t.type() == CreditTransaction.Type.GRANT).count()).isEqualTo(grants);
  }

  @Test
  void aGrantOnOneInstance_isSeenByAnotherWithinItsInterval() throws Exception {
    JdbcCreditLedger a = keep(JdbcCreditLedger.builder().dataSource(pool()).schema(schema).build());
    JdbcCreditLedger b = keep(JdbcCreditLedger.builder().dataSource(pool()).schema(schema)
        .flushInterval(Duration.ofMillis(50)).build());
    assertThat(b.balanceCents()).isZero();
    a.grant(500, null);
    long t0 = System.nanoTime();
    while (b.balanceCents() != 500 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
      Thread.sleep(10);
    }
    assertThat(b.balanceCents()).isEqualTo(500);
  }

  @Test
  void eventsWrittenOnTwoInstances_appearInOneListingAndOneOverview() {
    JdbcUsageLog a = keep(JdbcUsageLog.builder().dataSource(pool()).schema(schema)
        .flushInterval(Duration.ofHours(1)).build());
    JdbcUsageLog b = keep(JdbcUsageLog.builder().dataSource(pool()).schema(schema)
        .flushInterval(Duration.ofHours(1)).build());
    Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 30; i++) {
      JdbcUsageLog on = i % 2 == 0 ? a : b;
      on.record(List.of(event(t.minusSeconds(i), "rq_" + i, i % 2 == 0 ? "aigk_a" : "aigk_b", 200, 10 + i)));
    }
    a.flush(); // b's events are written by b's own batch
    assertThat(a.list(UsageLog.Query.all()).events()).hasSize(15);
    b.flush();
    List<UsageEvent> all = a.list(UsageLog.Query.all()).events();
    assertThat(all).hasSize(30);
    assertThat(all).extracting(UsageEvent::requestId).startsWith("rq_0", "rq_1", "rq_2");
    assertThat(b.list(new UsageLog.Query(null, null, "aigk_a", true, null, 100)).events()).hasSize(15);
    List<UsageLog.Bucket> byKey = b.overview(null, null, UsageLog.GroupBy.ACCESS_KEY);
    long cost = byKey.stream().mapToLong(UsageLog.Bucket::costMicroCents).sum();
    long requests = byKey.stream().mapToLong(UsageLog.Bucket::requests).sum();
    assertThat(cost).isEqualTo(30 * 10 + 29 * 30 / 2);
    assertThat(requests).isEqualTo(30);
    assertThat(byKey).extracting(UsageLog.Bucket::groupKey).contains("aigk_a", "aigk_b");
  }

  private static UsageEvent event(Instant at, String requestId, String key, int status, long cost) {
    return new UsageEvent(at, requestId, key, 1, true, status, false, false, "stop", 10, 5, 0, 0, cost,
        KeySource.USER, "aigpk_1", "openai", "gpt-4o");
  }
}
