package dev.aigateway.spi;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the credit ledger: a grant, or the usage charged on one UTC day (every served request of
 * that day summed). Immutable; a usage day is replaced by a new instance as charges arrive.
 */
public final class CreditTransaction {
  /** What a transaction records. */
  public enum Type {
    /** Credits added ({@code POST /credits/grants}). */
    GRANT,
    /** The charges of one UTC day. */
    USAGE;

    /** The JSON name: {@code grant} or {@code usage}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String id;
  private final Type type;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final long amountMicroCents;
  private final @Nullable String description;
  private final @Nullable LocalDate day;
  private final long requests;
  private final long inputTokens;
  private final long outputTokens;

  private CreditTransaction(String id, Type type, Instant createdAt, Instant updatedAt, long amountMicroCents,
      @Nullable String description, @Nullable LocalDate day, long requests, long inputTokens, long outputTokens) {
    this.id = Objects.requireNonNull(id, "id");
    this.type = type;
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
    this.amountMicroCents = amountMicroCents;
    this.description = description;
    this.day = day;
    this.requests = requests;
    this.inputTokens = inputTokens;
    this.outputTokens = outputTokens;
  }

  /** A grant of {@code amountMicroCents} (positive). */
  public static CreditTransaction grant(String id, Instant createdAt, long amountMicroCents,
      @Nullable String description) {
    if (amountMicroCents <= 0) {
      throw new IllegalArgumentException("a grant must be > 0 but was " + amountMicroCents);
    }
    return new CreditTransaction(id, Type.GRANT, createdAt, createdAt, amountMicroCents, description, null, 0, 0, 0);
  }

  /**
   * The usage of one day: {@code amountMicroCents} is zero or negative (what was charged), with the number
   * of requests and their tokens.
   */
  public static CreditTransaction usage(String id, LocalDate day, Instant createdAt, Instant updatedAt,
      long amountMicroCents, long requests, long inputTokens, long outputTokens) {
    Objects.requireNonNull(day, "day");
    if (amountMicroCents > 0 || requests < 0 || inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("a usage transaction charges (amount <= 0) and counts from 0");
    }
    return new CreditTransaction(id, Type.USAGE, createdAt, updatedAt, amountMicroCents, null, day, requests,
        inputTokens, outputTokens);
  }

  /** This usage day with one more charge added. */
  public CreditTransaction plus(CreditLedger.Charge charge, Instant at) {
    if (type != Type.USAGE) {
      throw new IllegalStateException("only a usage transaction accumulates charges");
    }
    return new CreditTransaction(id, type, createdAt, at, Math.subtractExact(amountMicroCents, charge.amountMicroCents()),
        null, day, requests + 1, inputTokens + charge.inputTokens(), outputTokens + charge.outputTokens());
  }

  public String id() {
    return id;
  }

  public Type type() {
    return type;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** When a usage day last changed; a grant's creation time. */
  public Instant updatedAt() {
    return updatedAt;
  }

  /** Signed: positive for a grant, zero or negative for usage. */
  public long amountMicroCents() {
    return amountMicroCents;
  }

  /**
   * The amount in cents, exact: six decimal places at most, none for whole cents, never an exponent (500, not
   * {@code 5E+2}, which JSON clients reading an integer refuse).
   */
  public BigDecimal amountCents() {
    BigDecimal cents = BigDecimal.valueOf(amountMicroCents, 6).stripTrailingZeros();
    return cents.scale() < 0 ? cents.setScale(0) : cents;
  }

  public @Nullable String description() {
    return description;
  }

  /** The UTC day of a usage transaction; null for a grant. */
  public @Nullable LocalDate day() {
    return day;
  }

  /** Requests charged (usage). */
  public long requests() {
    return requests;
  }

  public long inputTokens() {
    return inputTokens;
  }

  public long outputTokens() {
    return outputTokens;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CreditTransaction t && t.id.equals(id) && t.type == type && t.createdAt.equals(createdAt)
        && t.updatedAt.equals(updatedAt) && t.amountMicroCents == amountMicroCents
        && Objects.equals(t.description, description) && Objects.equals(t.day, day) && t.requests == requests
        && t.inputTokens == inputTokens && t.outputTokens == outputTokens;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, type, updatedAt, amountMicroCents);
  }

  @Override
  public String toString() {
    return "CreditTransaction[" + id + ", " + type.json() + ", " + amountCents().toPlainString() + " cents"
        + (day == null ? "" : ", " + day + ", " + requests + " requests") + "]";
  }
}
