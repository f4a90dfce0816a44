package dev.aigateway.spi;

import dev.aigateway.admin.Page;
import dev.aigateway.internal.store.InMemoryCreditLedger;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The account's credits: one balance for the whole installation, kept in micro-cents (millionths of a US
 * cent) so that charges of a fraction of a cent add up exactly. Grants add to it; the gateway charges each
 * served request (the processing fee, plus the model's catalog price when a managed credential served it)
 * while {@code /gateway-config} {@code creditsEnforced} is on, and refuses new requests with
 * {@code insufficient_credits} while {@link #balanceCents()} is zero or less.
 *
 * <p>What an implementation promises, whatever it keeps the balance in (memory, the data directory, a
 * database row): {@link #charge} is atomic (concurrent charges never lose one another: a database does
 * {@code UPDATE ... SET balance = balance - ?}); {@link #grant} is durable when it returns; the balance is
 * the sum of every grant less every charge. A charge may take the balance below zero (the next request is
 * then refused). Charges may be made durable in batches: an implementation documents how much a crash can
 * lose.
 *
 * <p>Thread-safety: called concurrently from request threads and the management API; implementations
 * must be thread-safe. {@link #charge} is called on the request path after the response has been
 * received, so it should not block on I/O.
 */
public interface CreditLedger {
  /** Micro-cents in one cent. */
  long MICRO_CENTS_PER_CENT = 1_000_000L;
  /** The largest single grant: USD 100 million. */
  long MAX_GRANT_CENTS = 10_000_000_000L;

  /** The balance in micro-cents (millionths of a cent); negative after charges beyond it. */
  long balanceMicroCents();

  /** The balance in whole cents, rounded down: what {@code GET /credits/balance} shows and enforcement compares with 0. */
  default long balanceCents() {
    return Math.floorDiv(balanceMicroCents(), MICRO_CENTS_PER_CENT);
  }

  /** Takes {@link Charge#amountMicroCents()} off the balance, atomically, and books it as usage. */
  void charge(Charge charge);

  /**
   * Adds {@code amountCents} to the balance and records the grant; durable when this returns.
   *
   * @param amountCents 1 to {@link #MAX_GRANT_CENTS}
   * @param description shown in the transactions, or null
   * @throws IllegalArgumentException when the amount is out of range or the description longer than 255
   */
  CreditTransaction grant(long amountCents, @Nullable String description);

  /**
   * The transactions, newest first: each grant, and the usage charged, one transaction per UTC day.
   *
   * @param beforeId the last id of the previous page, or null for the first page
   * @param limit 1 to 100
   */
  Page<CreditTransaction> transactions(@Nullable String beforeId, int limit);

  /** A ledger in memory, starting at zero; lost with the process. */
  static CreditLedger inMemory() {
    return new InMemoryCreditLedger(Clock.system());
  }

  /** A ledger in memory, starting at zero, dating its transactions with {@code clock}. */
  static CreditLedger inMemory(Clock clock) {
    return new InMemoryCreditLedger(Objects.requireNonNull(clock, "clock"));
  }

  /** Checks a grant's arguments as {@link #grant} documents; for implementations. */
  static void checkGrant(long amountCents, @Nullable String description) {
    if (amountCents < 1 || amountCents > MAX_GRANT_CENTS) {
      throw new IllegalArgumentException("amountCents must be from 1 to " + MAX_GRANT_CENTS + " but was " + amountCents);
    }
    if (description != null && description.length() > 255) {
      throw new IllegalArgumentException("description must be at most 255 characters but was " + description.length());
    }
  }

  /**
   * One served request's charge.
   *
   * @param requestId the request ({@code rq_...})
   * @param accessKeyId the access key that made it
   * @param provider the provider that served it
   * @param model the model that served it
   * @param managed whether a managed credential served it (then {@code priceMicroCents} is the model's price)
   * @param inputTokens request tokens, from the provider's {@code usage} or estimated
   * @param outputTokens response tokens, from the provider's {@code usage} or estimated
   * @param feeMicroCents the processing fee
   * @param priceMicroCents the model's catalog price (0 unless {@code managed})
   */
  record Charge(String requestId, String accessKeyId, String provider, String model, boolean managed,
      long inputTokens, long outputTokens, long feeMicroCents, long priceMicroCents) {
    public Charge {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(model, "model");
      if (inputTokens < 0 || outputTokens < 0 || feeMicroCents < 0 || priceMicroCents < 0) {
        throw new IllegalArgumentException("a charge's tokens and amounts must be >= 0");
      }
    }

    /** What the balance loses: the fee plus the price. */
    public long amountMicroCents() {
      return Math.addExact(feeMicroCents, priceMicroCents);
    }
  }
}
