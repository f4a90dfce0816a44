package dev.aigateway.jdbc;

import dev.aigateway.admin.Page;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.jdbc.SchemaMigrator;
import dev.aigateway.internal.jdbc.Sql;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's credits on PostgreSQL, one balance shared by every gateway instance on the same schema: table
 * {@code credit_transactions}, one row per grant and one per UTC day of usage; the balance is the sum of the
 * rows' amounts.
 *
 * <pre>{@code
 * JdbcCreditLedger ledger = JdbcCreditLedger.builder().dataSource(dataSource).build();
 * Gateway gateway = Gateway.builder().keyStore(store).creditLedger(ledger).build();
 * }</pre>
 *
 * <p><b>Exact across instances.</b> A {@link #grant} inserts its row in one transaction. Charges are added to
 * their day's row with one atomic upsert ({@code amount = amount + ?}, {@code requests = requests + ?}), so
 * charges and grants from any number of instances never lose one another's update.
 *
 * <p><b>Durability.</b> A grant is committed before {@link #grant} returns. Charges are kept in memory and
 * written in batches: every {@linkplain Builder#flushInterval flush interval} (default one second) a background
 * thread adds the charges of the interval, per day, in one transaction. A crash loses at most the charges of
 * the last interval (the balance is then that much too high); {@link #close()} writes what is pending. A batch
 * whose commit fails is kept and written with the next one; if the database did commit it and only the answer
 * was lost, those charges are counted twice (the balance is then too low by one interval's charges).
 *
 * <p><b>The balance</b> ({@link #balanceMicroCents()}, read on every request while credits are enforced) is
 * answered from memory, without I/O: the database's sum as of this instance's last write or read, less this
 * instance's charges not yet written. Each flush (every interval, with or without charges) reads the sum again,
 * so grants and charges of other instances show here within about one interval, and an instance refuses with
 * {@code insufficient_credits} (balance at or below zero) at most one interval after the shared balance got
 * there; the overshoot is the other instances' charges of that interval, as charges may take the balance below
 * zero anyway.
 *
 * <p>{@link #transactions} writes this instance's pending charges first, so its own usage is listed at once.
 *
 * <p>Thread-safety: safe for concurrent use. A charge takes one short lock in memory; writes are serialised per
 * instance.
 */
public final class JdbcCreditLedger implements CreditLedger, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcCreditLedger.class);
  private static final String COLUMNS = "id, type, usage_day, created_at, updated_at, amount_micro_cents, "
      + "description, requests, input_tokens, output_tokens";

  private final DataSource dataSource;
  private final String schema;
  private final String table;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final ScheduledExecutorService flusher;

  /** Guards pending, pendingTotal, inFlight and dbBalance; view is written under it. */
  private final Object lock = new Object();
  private final Map<LocalDate, DayTotals> pending = new TreeMap<>();
  private long pendingTotal;
  private long inFlight;
  private long dbBalance;
  private volatile long view;
  /** Serialises this instance's writes (flushes and grants), so a sum read never races a batch in flight. */
  private final Object writeLock = new Object();
  private volatile boolean closed;

  private JdbcCreditLedger(Builder b, DataSource dataSource) throws SQLException {
    this.dataSource = dataSource;
    this.schema = b.schema;
    this.table = Sql.quote(b.schema) + ".credit_transactions";
    this.clock = b.clock;
    this.queryTimeoutSeconds = (int) Math.max(1, b.queryTimeout.toSeconds());
    SchemaMigrator.migrate(dataSource, schema);
    try (Connection c = dataSource.getConnection()) {
      long sum = sum(c);
      synchronized (lock) {
        dbBalance = sum;
        updateView();
      }
    }
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-jdbc-credits-" + schema);
      t.setDaemon(true);
      return t;
    });
    long nanos = b.flushInterval.toNanos();
    @SuppressWarnings("FutureReturnValueIgnored") // flushQuietly logs its own failures; close() cancels it
    java.util.concurrent.ScheduledFuture<?> unused =
        flusher.scheduleWithFixedDelay(this::flushQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The schema holding the table. */
  public String schema() {
    return schema;
  }

  @Override
  public long balanceMicroCents() {
    return view;
  }

  @Override
  public void charge(Charge charge) {
    Objects.requireNonNull(charge, "charge");
    Instant at = now();
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    long amount = charge.amountMicroCents();
    synchronized (lock) {
      long total = Math.addExact(pendingTotal, amount);
      pending.computeIfAbsent(day, d -> new DayTotals(at)).add(charge, at);
      pendingTotal = total;
      updateView();
    }
  }

  @Override
  public CreditTransaction grant(long amountCents, @Nullable String description) {
    CreditLedger.checkGrant(amountCents, description);
    CreditTransaction t = CreditTransaction.grant(Ids.newId(Ids.CREDIT_TRANSACTION), now(),
        Math.multiplyExact(amountCents, MICRO_CENTS_PER_CENT), description);
    synchronized (writeLock) {
      checkOpen();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (id, type, created_at, updated_at, "
              + "amount_micro_cents, description) values (?, 'grant', ?, ?, ?, ?)")) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, t.id());
            ps.setObject(2, utc(t.createdAt()));
            ps.setObject(3, utc(t.createdAt()));
            ps.setLong(4, t.amountMicroCents());
            ps.setString(5, description);
            ps.executeUpdate();
          }
          long sum = sum(c);
          c.commit();
          synchronized (lock) {
            dbBalance = sum;
            updateView();
          }
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new JdbcStoreException("could not record the grant " + t.id() + " in schema " + schema, e);
      }
    }
    return t;
  }

  @Override
  public Page<CreditTransaction> transactions(@Nullable String beforeId, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be from 1 to 100 but was " + limit);
    }
    flushQuietly();
    try (Connection c = dataSource.getConnection()) {
      Long before = null;
      if (beforeId != null) {
        try (PreparedStatement ps = c.prepareStatement("select seq from " + table + " where id = ?")) {
          ps.setQueryTimeout(queryTimeoutSeconds);
          ps.setString(1, beforeId);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalArgumentException("beforeId is not a transaction of this ledger");
            }
            before = rs.getLong(1);
          }
        }
      }
      List<CreditTransaction> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from " + table
          + (before == null ? "" : " where seq < ?") + " order by seq desc limit ?")) {
        ps.setQueryTimeout(queryTimeoutSeconds);
        int i = 1;
        if (before != null) {
          ps.setLong(i++, before);
        }
        ps.setInt(i, limit + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(read(rs));
          }
        }
      }
      boolean more = items.size() > limit;
      if (more) {
        items.remove(items.size() - 1);
      }
      return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
    } catch (SQLException e) {
      throw new JdbcStoreException("could not read the credit transactions of schema " + schema, e);
    }
  }

  /**
   * Writes this instance's pending charges now and reads the shared balance again; durable when this returns.
   *
   * @throws JdbcStoreException when the database does not acknowledge the batch (it is kept for the next write)
   */
  public void flush() {
    write(true);
  }

  /** Writes the pending charges; with {@code readSum}, or when there were any, reads the balance again. */
  private void write(boolean readSum) {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      Map<LocalDate, DayTotals> batch;
      synchronized (lock) {
        if (pending.isEmpty() && !readSum) {
          return;
        }
        batch = new TreeMap<>(pending);
        pending.clear();
        inFlight = pendingTotal;
        pendingTotal = 0;
      }
      try (Connection c = dataSource.getConnection()) {
        long sum;
        if (batch.isEmpty()) {
          sum = sum(c);
        } else {
          c.setAutoCommit(false);
          try {
            write(c, batch);
            sum = sum(c);
            c.commit();
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        }
        synchronized (lock) {
          dbBalance = sum;
          inFlight = 0;
          updateView();
        }
      } catch (SQLException | RuntimeException e) {
        synchronized (lock) { // written with the next batch
          batch.forEach((day, totals) -> {
            DayTotals now = pending.get(day);
            if (now == null) {
              pending.put(day, totals);
            } else {
              now.addAll(totals);
            }
          });
          pendingTotal = Math.addExact(pendingTotal, inFlight);
          inFlight = 0;
          updateView();
        }
        if (e instanceof SQLException sql) {
          throw new JdbcStoreException("could not write the pending credit charges to schema " + schema, sql);
        }
        throw (RuntimeException) e;
      }
    }
  }

  private void write(Connection c, Map<LocalDate, DayTotals> batch) throws SQLException {
    // days in ascending order on every instance: concurrent batches lock the same rows in the same order
    try (PreparedStatement ps = c.prepareStatement("insert into " + table + " as t (id, type, usage_day, created_at, "
        + "updated_at, amount_micro_cents, requests, input_tokens, output_tokens) "
        + "values (?, 'usage', ?, ?, ?, ?, ?, ?, ?) on conflict (usage_day) do update set "
        + "created_at = least(t.created_at, excluded.created_at), "
        + "updated_at = greatest(t.updated_at, excluded.updated_at), "
        + "amount_micro_cents = t.amount_micro_cents + excluded.amount_micro_cents, "
        + "requests = t.requests + excluded.requests, input_tokens = t.input_tokens + excluded.input_tokens, "
        + "output_tokens = t.output_tokens + excluded.output_tokens")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      for (Map.Entry<LocalDate, DayTotals> e : batch.entrySet()) {
        DayTotals d = e.getValue();
        ps.setString(1, Ids.newId(Ids.CREDIT_TRANSACTION));
        ps.setObject(2, e.getKey());
        ps.setObject(3, utc(d.first));
        ps.setObject(4, utc(d.last));
        ps.setLong(5, Math.negateExact(d.amount));
        ps.setLong(6, d.requests);
        ps.setLong(7, d.inputTokens);
        ps.setLong(8, d.outputTokens);
        ps.executeUpdate();
      }
    }
  }

  private long sum(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select coalesce(sum(amount_micro_cents), 0)::bigint from "
        + table)) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("writing pending credit charges to schema {} failed; retried at the next interval", schema, e);
    }
  }

  /** Under {@link #lock}. */
  private void updateView() {
    view = Math.subtractExact(Math.subtractExact(dbBalance, inFlight), pendingTotal);
  }

  private Instant now() {
    return clock.now().truncatedTo(ChronoUnit.MICROS); // what timestamptz keeps
  }

  private static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  private static CreditTransaction read(ResultSet rs) throws SQLException {
    String id = rs.getString(1);
    Instant created = rs.getObject(4, OffsetDateTime.class).toInstant();
    long amount = rs.getLong(6);
    if ("grant".equals(rs.getString(2))) {
      return CreditTransaction.grant(id, created, amount, rs.getString(7));
    }
    return CreditTransaction.usage(id, rs.getObject(3, LocalDate.class), created,
        rs.getObject(5, OffsetDateTime.class).toInstant(), amount, rs.getLong(8), rs.getLong(9), rs.getLong(10));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this credit ledger is closed");
    }
  }

  /**
   * Writes the pending charges and stops the background thread; later grants throw {@link IllegalStateException}.
   * The {@code DataSource} is the caller's and stays open. Idempotent.
   *
   * @throws JdbcStoreException when the pending charges cannot be written (they are then lost)
   */
  @Override
  public void close() {
    flusher.shutdownNow();
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      try {
        write(false);
      } finally {
        closed = true;
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcCreditLedger[schema=" + schema + ", balanceCents=" + balanceCents() + "]";
  }

  /** One day's pending charges. Guarded by the ledger's lock. */
  private static final class DayTotals {
    Instant first;
    Instant last;
    long amount;
    long requests;
    long inputTokens;
    long outputTokens;

    DayTotals(Instant at) {
      this.first = at;
      this.last = at;
    }

    void add(Charge c, Instant at) {
      amount = Math.addExact(amount, c.amountMicroCents());
      requests++;
      inputTokens = Math.addExact(inputTokens, c.inputTokens());
      outputTokens = Math.addExact(outputTokens, c.outputTokens());
      last = at.isAfter(last) ? at : last;
    }

    void addAll(DayTotals o) {
      amount = Math.addExact(amount, o.amount);
      requests = Math.addExact(requests, o.requests);
      inputTokens = Math.addExact(inputTokens, o.inputTokens);
      outputTokens = Math.addExact(outputTokens, o.outputTokens);
      first = o.first.isBefore(first) ? o.first : first;
      last = o.last.isAfter(last) ? o.last : last;
    }
  }

  /** Where the database is and how often charges are written; {@code build()} migrates the schema and opens. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private String schema = "aigateway";
    private Clock clock = Clock.system();
    private Duration flushInterval = Duration.ofSeconds(1);
    private Duration queryTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The database (a pool, for instance the application's or {@link JdbcKeyStore#dataSource()}): the ledger
     * borrows one connection per write or read and never closes it.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /** The schema holding the table (created when missing); default {@code aigateway}, as the key store's. */
    public Builder schema(String schema) {
      this.schema = Sql.checkSchema(Objects.requireNonNull(schema, "schema"));
      return this;
    }

    /** Dates transactions and picks a charge's UTC day; default {@link Clock#system()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How often pending charges are written and the shared balance read again: what a crash can lose at most,
     * and how late other instances' grants and charges show here. Default 1 s; 10 ms to 1 hour.
     */
    public Builder flushInterval(Duration interval) {
      Objects.requireNonNull(interval, "flushInterval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("flushInterval must be between 10 ms and 1 hour but was " + interval);
      }
      this.flushInterval = interval;
      return this;
    }

    /** The longest one statement may run (default 10 s). */
    public Builder queryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "queryTimeout");
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("queryTimeout must be at least 1 s but was " + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    /**
     * Migrates the schema, reads the balance and starts the background writer.
     *
     * @throws IllegalStateException when no data source was given
     * @throws JdbcStoreException when the database cannot be reached or migrated
     */
    public JdbcCreditLedger build() {
      if (dataSource == null) {
        throw new IllegalStateException("give dataSource(...)");
      }
      try {
        return new JdbcCreditLedger(this, dataSource);
      } catch (SQLException e) {
        throw new JdbcStoreException("could not open the credit ledger in schema " + schema + " (SQL state "
            + e.getSQLState() + ")", e);
      }
    }
  }
}
