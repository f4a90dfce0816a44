package dev.aigateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.admin.Page;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link CreditLedger} implementations: balance arithmetic in micro-cents,
 * grants, charges booked as one usage transaction per day, paging, argument checks, and no lost update
 * under concurrent charges. Answer a new ledger at zero from {@link #newLedger()}; it is closed after each
 * test when it is {@link AutoCloseable}.
 *
 * <pre>{@code
 * final class PostgresCreditLedgerContractTest extends CreditLedgerContract {
 *   protected CreditLedger newLedger() { database.truncateCredits(); return PostgresCreditLedger.create(dataSource); }
 * }
 * }</pre>
 */
public abstract class CreditLedgerContract {
  private CreditLedger ledger;

  /** Subclasses are constructed by JUnit. */
  protected CreditLedgerContract() {}

  /** A new, empty ledger (balance zero, no transactions). */
  protected abstract CreditLedger newLedger() throws Exception;

  /** The ledger under test. */
  protected final CreditLedger ledger() {
    return ledger;
  }

  @BeforeEach
  final void openLedger() throws Exception {
    ledger = newLedger();
  }

  @AfterEach
  final void closeLedger() throws Exception {
    if (ledger instanceof AutoCloseable c) {
      c.close();
    }
  }

  /** A charge of {@code fee} micro-cents for {@code in} + {@code out} tokens. */
  protected static CreditLedger.Charge charge(long in, long out, long fee) {
    return new CreditLedger.Charge("rq_contract", "aigk_contract", "openai", "gpt-4o", false, in, out, fee, 0);
  }

  @Test
  public void aNewLedger_isEmpty() {
    assertThat(ledger.balanceMicroCents()).isZero();
    assertThat(ledger.balanceCents()).isZero();
    assertThat(ledger.transactions(null, 100).items()).isEmpty();
  }

  @Test
  public void grants_addToTheBalance_andAreListedNewestFirst() {
    CreditTransaction first = ledger.grant(500, "first");
    CreditTransaction second = ledger.grant(250, null);
    assertThat(ledger.balanceCents()).isEqualTo(750);
    assertThat(ledger.balanceMicroCents()).isEqualTo(750 * CreditLedger.MICRO_CENTS_PER_CENT);
    assertThat(first.type()).isEqualTo(CreditTransaction.Type.GRANT);
    assertThat(first.amountMicroCents()).isEqualTo(500 * CreditLedger.MICRO_CENTS_PER_CENT);
    assertThat(first.description()).isEqualTo("first");
    assertThat(ledger.transactions(null, 100).items()).extracting(CreditTransaction::id)
        .containsExactly(second.id(), first.id());
  }

  @Test
  public void charges_keepEveryMicroCent_andTheCentBalanceRoundsDown() {
    ledger.grant(1, null);
    for (int i = 0; i < 3; i++) {
      ledger.charge(charge(1, 0, 5)); // 5 micro-cents each
    }
    assertThat(ledger.balanceMicroCents()).isEqualTo(1_000_000 - 15);
    assertThat(ledger.balanceCents()).as("999,985 micro-cents is 0 whole cents").isZero();
    ledger.charge(charge(0, 0, 999_985));
    assertThat(ledger.balanceMicroCents()).isZero();
    ledger.charge(charge(0, 1, 1));
    assertThat(ledger.balanceMicroCents()).isEqualTo(-1);
    assertThat(ledger.balanceCents()).as("a balance below zero rounds down to -1").isEqualTo(-1);
  }

  @Test
  public void charges_areBookedAsOneUsageTransactionPerDay() {
    ledger.grant(100, null);
    ledger.charge(charge(10, 5, 75));
    ledger.charge(charge(1, 2, 15));
    List<CreditTransaction> items = ledger.transactions(null, 100).items();
    assertThat(items).hasSize(2);
    CreditTransaction usage = items.stream().filter(t -> t.type() == CreditTransaction.Type.USAGE).findFirst()
        .orElseThrow();
    assertThat(usage.amountMicroCents()).isEqualTo(-90);
    assertThat(usage.requests()).isEqualTo(2);
    assertThat(usage.inputTokens()).isEqualTo(11);
    assertThat(usage.outputTokens()).isEqualTo(7);
    assertThat(usage.day()).isNotNull();
  }

  @Test
  public void transactions_page_withBeforeIdAndLimit() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(0, ledger.grant(i, "grant " + i).id());
    }
    Page<CreditTransaction> first = ledger.transactions(null, 2);
    assertThat(first.items()).extracting(CreditTransaction::id).containsExactly(ids.get(0), ids.get(1));
    assertThat(first.nextBeforeId()).isEqualTo(ids.get(1));
    Page<CreditTransaction> second = ledger.transactions(first.nextBeforeId(), 2);
    assertThat(second.items()).extracting(CreditTransaction::id).containsExactly(ids.get(2), ids.get(3));
    Page<CreditTransaction> last = ledger.transactions(second.nextBeforeId(), 2);
    assertThat(last.items()).extracting(CreditTransaction::id).containsExactly(ids.get(4));
    assertThat(last.nextBeforeId()).isNull();
  }

  @Test
  public void badGrants_areRefused_andChangeNothing() {
    assertThatThrownBy(() -> ledger.grant(0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ledger.grant(-5, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ledger.grant(CreditLedger.MAX_GRANT_CENTS + 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ledger.grant(1, "x".repeat(256))).isInstanceOf(IllegalArgumentException.class);
    assertThat(ledger.balanceMicroCents()).isZero();
    assertThat(ledger.transactions(null, 100).items()).isEmpty();
  }

  @Test
  public void concurrentChargesAndGrants_loseNoUpdate() throws Exception {
    int threads = 8;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            ledger.charge(charge(1, 1, 7));
            if (n == 0 && i % 1_000 == 0) {
              ledger.grant(1, null);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long grants = (perThread + 999L) / 1_000;
    assertThat(ledger.balanceMicroCents())
        .isEqualTo(grants * CreditLedger.MICRO_CENTS_PER_CENT - 7L * threads * perThread);
    CreditTransaction usage = ledger.transactions(null, 100).items().stream()
        .filter(t -> t.type() == CreditTransaction.Type.USAGE).findFirst().orElseThrow();
    assertThat(usage.requests()).isEqualTo((long) threads * perThread);
  }
}
