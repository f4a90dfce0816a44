package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.testing.FakeClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the ledger writes when things go wrong: a commit whose answer is lost, charges racing close(), failures
 * other than SQL. Each test checks the table itself, not only the ledger's copy in memory.
 */
final class JdbcCreditLedgerFaultTest {
  private final String schema = TestDatabase.newSchema();
  private final FaultyDataSource faulty = new FaultyDataSource(TestDatabase.get().dataSource());

  private JdbcCreditLedger open(Duration flushInterval) {
    return JdbcCreditLedger.builder().dataSource(faulty.dataSource()).schema(schema).clock(FakeClock.create())
        .flushInterval(flushInterval).build();
  }

  private static CreditLedger.Charge charge(String requestId, long amount) {
    return new CreditLedger.Charge(requestId, "aigk_1", "openai", "gpt-4o", false, 2, 3, amount, 0);
  }

  private long query(String sql) throws Exception {
    try (Connection c = TestDatabase.get().connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql.replace("$s", schema))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private long sum() throws Exception {
    return query("select coalesce(sum(amount_micro_cents), 0) from $s.credit_transactions");
  }

  private long usageRequests() throws Exception {
    return query("select coalesce(sum(requests), 0) from $s.credit_transactions where type = 'usage'");
  }

  @Test
  void anAmbiguousCommit_isRetried_andTheBatchIsChargedExactlyOnce() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      ledger.charge(charge("rq_1", 700));
      ledger.charge(charge("rq_2", 300));
      faulty.loseCommitAnswers(1);
      Throwable inDoubt = catchThrowable(ledger::flush);
      assertThat(inDoubt).isInstanceOf(JdbcStoreException.class);
      assertThat(sum()).as("the commit did land").isEqualTo(-1_000);
      assertThat(ledger.balanceMicroCents()).as("counted once while in doubt").isEqualTo(-1_000);
      ledger.charge(charge("rq_3", 5));
      ledger.flush(); // the retry: the batch in doubt is found committed and not added again
      assertThat(sum()).isEqualTo(-1_005);
      assertThat(usageRequests()).isEqualTo(3);
      assertThat(ledger.balanceMicroCents()).isEqualTo(-1_005);
      ledger.flush();
      assertThat(sum()).isEqualTo(-1_005);
      assertThat(inDoubt).hasMessageContaining("no answer");
    }
    try (JdbcCreditLedger reopened = open(Duration.ofHours(1))) {
      assertThat(reopened.balanceMicroCents()).isEqualTo(-1_005);
    }
  }

  @Test
  void twoAmbiguousCommitsInARow_stillChargeEachBatchOnce() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      ledger.charge(charge("rq_1", 100));
      faulty.loseCommitAnswers(2);
      assertThatThrownBy(ledger::flush).isInstanceOf(JdbcStoreException.class);
      ledger.charge(charge("rq_2", 20));
      assertThatThrownBy(ledger::flush).isInstanceOf(JdbcStoreException.class);
      ledger.charge(charge("rq_3", 3));
      ledger.flush();
      assertThat(sum()).isEqualTo(-123);
      assertThat(usageRequests()).isEqualTo(3);
      assertThat(ledger.balanceMicroCents()).isEqualTo(-123);
    }
  }

  @Test
  void aCommitThatFailsBeforeLanding_isWrittenWithTheNextBatch() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      ledger.charge(charge("rq_1", 40));
      faulty.failNextPrepare(new java.sql.SQLException("connection refused (test)", "08001"));
      assertThatThrownBy(ledger::flush).isInstanceOf(JdbcStoreException.class);
      assertThat(sum()).isZero();
      ledger.flush();
      assertThat(sum()).isEqualTo(-40);
      assertThat(usageRequests()).isEqualTo(1);
    }
  }

  @Test
  void anAmbiguousGrantCommit_isConfirmedByItsId_andCountsOnce() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      faulty.loseCommitAnswers(1);
      int before = faulty.commits();
      CreditTransaction grant = ledger.grant(250, "paid");
      assertThat(faulty.commits() - before).as("committed, answer lost, written again").isEqualTo(2);
      assertThat(query("select count(*) from $s.credit_transactions where type = 'grant'")).isEqualTo(1);
      assertThat(sum()).isEqualTo(250 * CreditLedger.MICRO_CENTS_PER_CENT);
      assertThat(ledger.balanceCents()).isEqualTo(250);
      assertThat(ledger.transactions(null, 10).items()).containsExactly(grant);
    }
  }

  @Test
  void aGrantWhoseCommitIsNeverConfirmed_saysItMayHaveBeenRecorded() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      faulty.loseCommitAnswers(2);
      assertThatThrownBy(() -> ledger.grant(5, null)).isInstanceOf(JdbcStoreException.class)
          .hasMessageContaining("may have been recorded");
      assertThat(query("select count(*) from $s.credit_transactions where type = 'grant'")).isEqualTo(1);
    }
  }

  @Test
  void chargesRacingClose_areEachWrittenOrRefused_neverLost() throws Exception {
    JdbcCreditLedger ledger = open(Duration.ofMillis(10)); // the background thread writes during the race too
    int threads = 6;
    int maxPerThread = 200_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(threads);
    AtomicBoolean closeReturned = new AtomicBoolean();
    List<Future<Integer>> made = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        made.add(pool.submit(() -> {
          start.await();
          int n = 0;
          while (n < maxPerThread && !closeReturned.get()) {
            ledger.charge(charge("rq_" + thread + "_" + n, 1));
            if (++n == 1_000) {
              running.countDown();
            }
          }
          if (n < 1_000) {
            running.countDown();
          }
          return n;
        }));
      }
      start.countDown();
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
      ledger.close();
      closeReturned.set(true);
      long charges = 0;
      for (Future<Integer> f : made) {
        charges += f.get(60, TimeUnit.SECONDS);
      }
      long refused = ledger.refusedCharges();
      assertThat(usageRequests()).as("every charge is written or refused").isEqualTo(charges - refused);
      assertThat(sum()).isEqualTo(-(charges - refused));
      assertThat(charges - refused).isPositive();
    } finally {
      pool.shutdownNow();
    }
    assertThat(query("select count(*) from $s.ledger_writers")).as("a closed ledger forgets its writer row")
        .isZero();
  }

  @Test
  void aFailureOtherThanSql_keepsTheBatch_andTheBackgroundThreadGoesOn() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofMillis(20))) {
      faulty.failNextPrepare(new AssertionError("the driver broke (test)"));
      ledger.charge(charge("rq_1", 9));
      for (int i = 0; i < 500 && sum() == 0; i++) {
        Thread.sleep(20);
      }
      assertThat(sum()).isEqualTo(-9);
      faulty.failNextPrepare(new IllegalStateException("the pool broke (test)"));
      ledger.charge(charge("rq_2", 1));
      for (int i = 0; i < 500 && sum() == -9; i++) {
        Thread.sleep(20);
      }
      assertThat(sum()).isEqualTo(-10);
      assertThat(usageRequests()).isEqualTo(2);
    }
  }

  @Test
  void writerRowsOfInstancesGoneFor30Days_arePurged_andALiveOneIsKept() throws Exception {
    try (JdbcCreditLedger ledger = open(Duration.ofHours(1))) {
      TestDatabase.get().execute("insert into " + schema + ".ledger_writers values "
          + "('00000000-0000-0000-0000-000000000001', 7, now() - interval '31 days'), "
          + "('00000000-0000-0000-0000-000000000002', 7, now() - interval '29 days')");
      try (Connection c = TestDatabase.get().connection()) {
        assertThat(ledger.purgeWriters(c)).isEqualTo(1);
      }
      assertThat(query("select count(*) from $s.ledger_writers")).isEqualTo(2);
      ledger.charge(charge("rq_1", 1));
      ledger.flush();
      assertThat(query("select max(last_batch) from $s.ledger_writers where writer_id::text not like '00000000%'"))
          .isEqualTo(1);
    }
  }
}
