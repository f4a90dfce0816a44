package dev.aigateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.Page;
import dev.aigateway.internal.store.AppendLog;
import dev.aigateway.internal.store.CreditBook;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.store.BackgroundWrites;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credit ledger in a data directory: {@code DIR/credits.log}, the same checksummed JSON-lines log as
 * the key store's, one {@code put} line per grant and per write of a usage day (its running totals).
 * The balance is the sum of the transactions, rebuilt when the ledger is opened.
 *
 * <p>Durability: {@link #grant} appends and forces its line before it returns, so a grant is on disk when
 * the management API answers 201. Charges are kept in memory and written in batches: every
 * {@code flushInterval} (default one second) a background thread appends each usage day that changed, with
 * one force for the batch, so there is no fsync per request. A crash loses at most the charges of the last
 * interval (the balance is then that much too high); {@link #close()} writes what is pending. The log is
 * compacted to one line per transaction once it holds more than twice that many lines.
 *
 * <p>Thread-safety: safe for concurrent use. Charges take one short lock in memory; writes are serialised.
 */
public final class DataDirectoryCreditLedger implements CreditLedger, AutoCloseable {
  static final String LOG_FILE = "credits.log";
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryCreditLedger.class);

  private final CreditBook book = new CreditBook();
  private final Clock clock;
  private final Path dir;
  private final Object writeLock = new Object();
  private final AppendLog log;
  private final ScheduledExecutorService flusher;
  private volatile boolean closed;

  private DataDirectoryCreditLedger(Path dir, Clock clock, Duration flushInterval) {
    this.dir = dir;
    this.clock = clock;
    this.log = AppendLog.open(dir, LOG_FILE, new AppendLog.Replay() {
      @Override
      public void put(String type, JsonNode data) {
        book.load(read(type, data));
      }

      @Override
      public void delete(String type, String id) {
        throw new IllegalStateException("a credit ledger never deletes a transaction");
      }
    });
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-credits-flush");
      t.setDaemon(true);
      return t;
    });
    long nanos = flushInterval.toNanos();
    @SuppressWarnings("FutureReturnValueIgnored") // flushQuietly logs its own failures; close() cancels it
    java.util.concurrent.ScheduledFuture<?> unused =
        flusher.scheduleWithFixedDelay(this::flushQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Opens (creating if missing) the ledger in {@code dir}, with the system clock and a one-second flush interval. */
  public static DataDirectoryCreditLedger open(Path dir) {
    return open(dir, Clock.system(), Duration.ofSeconds(1));
  }

  /**
   * Opens (creating if missing) the ledger in {@code dir}.
   *
   * @param flushInterval how often pending charges are written: what a crash can lose at most
   * @throws IllegalStateException when {@code credits.log} is damaged (it is left as it is)
   * @throws UncheckedIOException when the directory cannot be created or the log read
   */
  public static DataDirectoryCreditLedger open(Path dir, Clock clock, Duration flushInterval) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be > 0 but was " + flushInterval);
    }
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("could not create " + dir, e);
    }
    return new DataDirectoryCreditLedger(dir, clock, flushInterval);
  }

  @Override
  public long balanceMicroCents() {
    return book.balanceMicroCents();
  }

  @Override
  public void charge(Charge charge) {
    Objects.requireNonNull(charge, "charge");
    if (closed) { // never kept where no write will take it; close the gateway before its ledger
      LOG.warn("the credit ledger in {} is closed; the charge of request {} is dropped", dir, charge.requestId());
      return;
    }
    book.charge(charge, clock.now());
  }

  @Override
  public CreditTransaction grant(long amountCents, @Nullable String description) {
    CreditLedger.checkGrant(amountCents, description);
    checkOpen();
    CreditTransaction t = CreditTransaction.grant(Ids.newId(Ids.CREDIT_TRANSACTION), clock.now(),
        Math.multiplyExact(amountCents, MICRO_CENTS_PER_CENT), description);
    synchronized (writeLock) {
      log.put("grant", write(t)); // durable before the balance shows it
      book.grant(t);
    }
    return t;
  }

  @Override
  public Page<CreditTransaction> transactions(@Nullable String beforeId, int limit) {
    return book.page(beforeId, limit);
  }

  /** Writes the usage days charged since the last write now; durable when this returns. */
  public void flush() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      List<CreditTransaction> days = book.takeDirty();
      try {
        for (CreditTransaction t : days) {
          log.put("usage", write(t));
        }
      } catch (RuntimeException e) {
        book.markDirty(days);
        throw e;
      }
      if (!days.isEmpty()) {
        log.maybeCompact(book::size, sink -> {
          for (CreditTransaction t : book.all()) {
            sink.put(t.type().json(), write(t));
          }
        });
      }
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("writing pending credit charges to {} failed; retried at the next interval", dir.resolve(LOG_FILE), e);
    }
  }

  /** Writes what is pending and closes the log; later grants throw {@link IllegalStateException}. Idempotent. */
  @Override
  public void close() {
    // the last write runs with the interrupt flag cleared (it would close the file channel), set again afterwards
    boolean interrupted = BackgroundWrites.stopForLastWrite(flusher);
    try {
      synchronized (writeLock) {
        if (closed) {
          return;
        }
        try {
          flush();
        } finally {
          closed = true;
          log.close();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this credit ledger is closed");
    }
  }

  private static ObjectNode write(CreditTransaction t) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", t.id());
    n.put("createdAt", t.createdAt().toString());
    n.put("updatedAt", t.updatedAt().toString());
    n.put("amountMicroCents", t.amountMicroCents());
    if (t.description() != null) {
      n.put("description", t.description());
    }
    if (t.day() != null) {
      n.put("day", String.valueOf(t.day()));
      n.put("requests", t.requests());
      n.put("inputTokens", t.inputTokens());
      n.put("outputTokens", t.outputTokens());
    }
    return n;
  }

  private static CreditTransaction read(String type, JsonNode n) {
    String id = n.path("id").asText();
    Instant created = Instant.parse(n.path("createdAt").asText());
    long amount = n.path("amountMicroCents").asLong();
    return switch (type) {
      case "grant" -> {
        JsonNode d = n.get("description");
        yield CreditTransaction.grant(id, created, amount, d == null || d.isNull() ? null : d.asText());
      }
      case "usage" -> CreditTransaction.usage(id, LocalDate.parse(n.path("day").asText()), created,
          Instant.parse(n.path("updatedAt").asText()), amount, n.path("requests").asLong(),
          n.path("inputTokens").asLong(), n.path("outputTokens").asLong());
      default -> throw new IllegalStateException("unknown credit transaction type '" + type + "'");
    };
  }

  @Override
  public String toString() {
    return "DataDirectoryCreditLedger[" + dir + ", balanceCents=" + balanceCents() + "]";
  }
}
