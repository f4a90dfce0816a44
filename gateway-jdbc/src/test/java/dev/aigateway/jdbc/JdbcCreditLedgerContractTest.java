package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.testing.CreditLedgerContract;
import dev.aigateway.testing.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conformance suite against a real PostgreSQL, each test in a new schema; and what a restart keeps. */
final class JdbcCreditLedgerContractTest extends CreditLedgerContract {
  private String schema;

  @Override
  protected CreditLedger newLedger() {
    schema = TestDatabase.newSchema();
    return open(FakeClock.create(), Duration.ofHours(1));
  }

  private JdbcCreditLedger open(FakeClock clock, Duration flushInterval) {
    return JdbcCreditLedger.builder().dataSource(TestDatabase.get().dataSource()).schema(schema).clock(clock)
        .flushInterval(flushInterval).build();
  }

  @Test
  void everything_survivesAReopen_andTheDaysUsageGoesOnInOneTransaction() {
    JdbcCreditLedger ledger = (JdbcCreditLedger) ledger();
    CreditTransaction grant = ledger.grant(300, "welcome");
    ledger.charge(charge(10, 20, 150));
    ledger.close();
    try (JdbcCreditLedger again = open(FakeClock.create(), Duration.ofHours(1))) {
      assertThat(again.balanceMicroCents()).isEqualTo(300 * CreditLedger.MICRO_CENTS_PER_CENT - 150);
      List<CreditTransaction> items = again.transactions(null, 100).items();
      assertThat(items).hasSize(2);
      assertThat(items.get(1)).isEqualTo(grant);
      assertThat(items.get(0).requests()).isEqualTo(1);
      assertThat(items.get(0).inputTokens()).isEqualTo(10);
      assertThat(items.get(0).outputTokens()).isEqualTo(20);
      again.charge(charge(1, 1, 10));
      List<CreditTransaction> after = again.transactions(null, 100).items();
      assertThat(after).as("the day's usage goes on in the same transaction").hasSize(2);
      assertThat(after.get(0).id()).isEqualTo(items.get(0).id());
      assertThat(after.get(0).amountMicroCents()).isEqualTo(-160);
    }
  }

  @Test
  void aCrash_keepsEveryGrant_andLosesOnlyUnflushedCharges() {
    JdbcCreditLedger crashed = (JdbcCreditLedger) ledger();
    crashed.grant(100, "paid");
    crashed.charge(charge(1, 0, 1_000));
    crashed.flush();
    crashed.charge(charge(1, 0, 7)); // never written: the process dies before the next batch
    try (JdbcCreditLedger restarted = open(FakeClock.create(), Duration.ofHours(1))) {
      assertThat(restarted.balanceMicroCents()).isEqualTo(100 * CreditLedger.MICRO_CENTS_PER_CENT - 1_000);
      assertThat(restarted.transactions(null, 100).items()).extracting(CreditTransaction::type)
          .containsExactly(CreditTransaction.Type.USAGE, CreditTransaction.Type.GRANT);
    }
  }

  @Test
  void chargesTheDatabaseRefuses_stayPending_andAreWrittenOnceItIsBack() {
    JdbcCreditLedger ledger = (JdbcCreditLedger) ledger();
    ledger.grant(10, null);
    ledger.charge(charge(1, 1, 100));
    TestDatabase.get().execute("alter table " + schema + ".credit_transactions rename to credit_transactions_away");
    try {
      assertThatThrownBy(ledger::flush).isInstanceOf(JdbcStoreException.class);
      ledger.charge(charge(1, 1, 20));
      assertThat(ledger.balanceMicroCents()).as("the balance still counts the unwritten charges")
          .isEqualTo(10 * CreditLedger.MICRO_CENTS_PER_CENT - 120);
    } finally {
      TestDatabase.get().execute("alter table " + schema + ".credit_transactions_away rename to credit_transactions");
    }
    ledger.flush();
    try (JdbcCreditLedger other = open(FakeClock.create(), Duration.ofHours(1))) {
      assertThat(other.balanceMicroCents()).isEqualTo(10 * CreditLedger.MICRO_CENTS_PER_CENT - 120);
      assertThat(other.transactions(null, 10).items().get(0).requests()).isEqualTo(2);
    }
  }

  @Test
  void chargesOnDifferentDays_areOneTransactionPerUtcDay() {
    FakeClock clock = FakeClock.at(java.time.Instant.parse("2026-11-20T23:59:59Z"));
    try (JdbcCreditLedger ledger = open(clock, Duration.ofHours(1))) {
      ledger.charge(charge(1, 1, 5));
      clock.advance(Duration.ofSeconds(1));
      ledger.charge(charge(1, 1, 7));
      ledger.charge(charge(1, 1, 9));
      List<CreditTransaction> items = ledger.transactions(null, 100).items();
      assertThat(items).extracting(t -> String.valueOf(t.day())).containsExactlyInAnyOrder("2026-11-20", "2026-11-21");
      assertThat(items).extracting(CreditTransaction::amountMicroCents).containsExactlyInAnyOrder(-5L, -16L);
      assertThat(ledger.balanceMicroCents()).isEqualTo(-21);
    }
  }

  @Test
  void pendingCharges_areWrittenByTheBackgroundThread() throws Exception {
    JdbcCreditLedger fast = open(FakeClock.create(), Duration.ofMillis(20));
    try (JdbcCreditLedger reader = open(FakeClock.create(), Duration.ofHours(1))) {
      fast.grant(1, null);
      fast.charge(charge(2, 3, 42));
      for (int i = 0; i < 250 && reader.transactions(null, 100).items().size() < 2; i++) {
        Thread.sleep(20);
      }
      reader.flush(); // reads the shared sum again
      assertThat(reader.balanceMicroCents()).isEqualTo(1_000_000 - 42);
    } finally {
      fast.close();
    }
  }

  @Test
  void anUnknownBeforeId_isRefused_andAClosedLedgerRefusesGrants() {
    JdbcCreditLedger ledger = (JdbcCreditLedger) ledger();
    assertThatThrownBy(() -> ledger.transactions("aigct_nope", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ledger.transactions(null, 101)).isInstanceOf(IllegalArgumentException.class);
    ledger.close();
    assertThatThrownBy(() -> ledger.grant(1, null)).isInstanceOf(IllegalStateException.class);
    ledger.close();
  }
}
