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
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * the last interval (the balance is then that much too high); {@link #close()} writes what is pending.
 *
 * <p><b>Each batch counts once.</b> A batch whose transaction fails before its commit is kept and written with
 * the next one. A batch whose commit gets no answer (the connection dropped after {@code COMMIT} was sent) may
 * or may not have landed: it is kept as it is and retried, and counts once either way. Every ledger instance
 * has a random writer id and numbers its batches; the transaction that adds a batch also records its number in
 * {@code ledger_writers}, and a retried batch whose number is already recorded is not added again. A grant
 * whose commit gets no answer is retried once with the same transaction id (inserted only when absent), so it
 * too counts once; only when that retry fails as well does {@link #grant} throw, saying the grant may have
 * been recorded.
 *
 * <p><b>Closing.</b> {@link #close()} writes every charge made before it began. A charge made once close has
 * begun is not recorded: it is refused with a warning in the log (naming the request), never kept silently.
 * Whatever fails while a batch is written (an {@link SQLException}, or any other exception or error) keeps the
 * batch for the next interval, and the background thread goes on.
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
  /** How often the writer row is touched and the rows of writers gone for 30 days are deleted. */
  private static final long MAINTENANCE_NANOS = TimeUnit.HOURS.toNanos(1);

  private final DataSource dataSource;
  private final String schema;
  private final String table;
  private final String writers;
  private final Clock clock;
  private final int queryTimeoutSeconds;
  private final ScheduledExecutorService flusher;
  /** This instance's row in {@code ledger_writers}. */
  private final UUID writerId = UUID.randomUUID();

  /** Guards pending, pendingTotal, inFlight, unsure, unsureTotal, dbBalance and closed; view is written under it. */
  private final Object lock = new Object();
  private final Map<LocalDate, DayTotals> pending = new TreeMap<>();
  private long pendingTotal;
  private long inFlight;
  /** Batches whose commit got no answer, oldest first: retried as they are, added only if they did not land. */
  private final List<Batch> unsure = new ArrayList<>();
  private long unsureTotal;
  private long dbBalance;
  private volatile long view;
  /** Serialises this instance's writes (flushes and grants), so a sum read never races a batch in flight. */
  private final Object writeLock = new Object();
  /** Under writeLock: the number of the last batch handed out. */
  private long lastBatch;
  /** Under writeLock: System.nanoTime() of the last touch of the writer row and purge of old ones. */
  private long lastMaintenance;
  /** Charges refused because the ledger was closing or closed. */
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean closed;

  private JdbcCreditLedger(Builder b, DataSource dataSource) throws SQLException {
    this.dataSource = dataSource;
    this.schema = b.schema;
    this.table = Sql.quote(b.schema) + ".credit_transactions";
    this.writers = Sql.quote(b.schema) + ".ledger_writers";
    this.clock = b.clock;
    this.queryTimeoutSeconds = (int) Math.max(1, b.queryTimeout.toSeconds());
    SchemaMigrator.migrate(dataSource, schema);
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      // committed before any batch: a batch transaction always finds the row (and waits for one in doubt)
      try (PreparedStatement ps = c.prepareStatement("insert into " + writers
          + " (writer_id, last_batch, updated_at) values (?, 0, now())")) {
        ps.setQueryTimeout(queryTimeoutSeconds);
        ps.setObject(1, writerId);
        ps.executeUpdate();
      }
      purgeWriters(c);
      long sum = sum(c);
      synchronized (lock) {
        dbBalance = sum;
        updateView();
      }
    }
    this.lastMaintenance = System.nanoTime();
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-jdbc-credits-" + schema);
      t.setDaemon(true);
      return t;
    });
    long nanos = b.flushInterval.toNanos();
    @SuppressWarnings("FutureReturnValueIgnored") // background logs its own failures; close() cancels it
    java.util.concurrent.ScheduledFuture<?> unused =
        flusher.scheduleWithFixedDelay(this::background, nanos, nanos, TimeUnit.NANOSECONDS);
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
      if (!closed) {
        long total = Math.addExact(pendingTotal, amount);
        DayTotals totals = pending.get(day);
        if (totals == null) {
          totals = new DayTotals(at);
          totals.add(charge, at); // may throw (an overflow) before anything changed
          pending.put(day, totals);
        } else {
          totals.add(charge, at);
        }
        pendingTotal = total;
        updateView();
        return;
      }
    }
    refused.incrementAndGet();
    LOG.warn("the credit ledger of schema {} is closed; the charge of {} micro-cents for request {} is not recorded",
        schema, amount, charge.requestId());
  }

  @Override
  public CreditTransaction grant(long amountCents, @Nullable String description) {
    CreditLedger.checkGrant(amountCents, description);
    CreditTransaction t = CreditTransaction.grant(Ids.newId(Ids.CREDIT_TRANSACTION), now(),
        Math.multiplyExact(amountCents, MICRO_CENTS_PER_CENT), description);
    synchronized (writeLock) {
      checkOpen();
      long sum = insertGrant(t);
      synchronized (lock) {
        dbBalance = sum;
        updateView();
      }
    }
    return t;
  }

  /**
   * Inserts the grant and answers the balance after it. A commit without an answer is retried once: the row is
   * inserted only when its id is absent, so the grant counts once whether or not the first commit landed.
   */
  private long insertGrant(CreditTransaction t) {
    boolean inDoubt = false;
    for (int attempt = 1; ; attempt++) {
      boolean committing = false;
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        boolean clean = true;
        try {
          try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (id, type, created_at, updated_at, "
              + "amount_micro_cents, description) values (?, 'grant', ?, ?, ?, ?) on conflict (id) do nothing")) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, t.id());
            ps.setObject(2, utc(t.createdAt()));
            ps.setObject(3, utc(t.createdAt()));
            ps.setLong(4, t.amountMicroCents());
            ps.setString(5, t.description());
            ps.executeUpdate();
          }
          long sum = sum(c);
          committing = true;
          c.commit();
          return sum;
        } catch (SQLException | RuntimeException | Error e) {
          clean = rollbackQuietly(c, e);
          throw e;
        } finally {
          if (clean) {
            c.setAutoCommit(true);
          }
        }
      } catch (SQLException e) {
        inDoubt |= committing;
        if (inDoubt && attempt == 1) {
          LOG.warn("the commit of the grant {} in schema {} got no answer; checking it by writing it again", t.id(),
              schema);
          continue;
        }
        if (inDoubt) {
          throw new JdbcStoreException("the database did not confirm the grant " + t.id() + " in schema " + schema
              + ": it may have been recorded; look for its id in the transactions before granting again", e);
        }
        throw new JdbcStoreException("could not record the grant " + t.id() + " in schema " + schema, e);
      }
    }
  }

  @Override
  public Page<CreditTransaction> transactions(@Nullable String beforeId, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be from 1 to 100 but was " + limit);
    }
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("writing pending credit charges to schema {} before a read failed; retried at the next interval",
          schema, e);
    }
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
   * Does nothing once the ledger is closed.
   *
   * @throws JdbcStoreException when the database does not acknowledge the batch (it is kept for the next write)
   */
  public void flush() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      write(true);
    }
  }

  /**
   * Under {@link #writeLock}: writes the pending charges and the batches in doubt in one transaction; with
   * {@code readSum}, or when there were any, reads the balance again.
   */
  private void write(boolean readSum) {
    Batch fresh = null;
    List<Batch> retried;
    synchronized (lock) {
      if (pending.isEmpty() && unsure.isEmpty() && !readSum) {
        return;
      }
      if (!pending.isEmpty()) {
        fresh = new Batch(++lastBatch, new TreeMap<>(pending), pendingTotal);
        pending.clear();
        inFlight = pendingTotal;
        pendingTotal = 0;
      }
      retried = List.copyOf(unsure);
    }
    List<Batch> batches = new ArrayList<>(retried);
    if (fresh != null) {
      batches.add(fresh);
    }
    boolean committing = false;
    long sum;
    try (Connection c = dataSource.getConnection()) {
      if (batches.isEmpty()) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        sum = sum(c);
      } else {
        c.setAutoCommit(false);
        boolean clean = true;
        try {
          apply(c, batches, retried.size());
          sum = sum(c);
          committing = true;
          c.commit();
        } catch (SQLException | RuntimeException | Error e) {
          clean = rollbackQuietly(c, e);
          throw e;
        } finally {
          if (clean) { // never after a failed rollback: turning auto-commit on would commit what is open
            c.setAutoCommit(true);
          }
        }
      }
    } catch (SQLException | RuntimeException | Error e) {
      synchronized (lock) {
        if (fresh != null && committing) { // may have landed: retried as it is, under its number
          unsure.add(fresh);
          unsureTotal = Math.addExact(unsureTotal, fresh.total);
        } else if (fresh != null) { // certainly not written: goes with the next batch
          fresh.days.forEach((day, totals) -> {
            DayTotals now = pending.get(day);
            if (now == null) {
              pending.put(day, totals);
            } else {
              now.addAll(totals);
            }
          });
          pendingTotal = Math.addExact(pendingTotal, fresh.total);
        }
        inFlight = 0;
        updateView();
      }
      if (e instanceof SQLException sql) {
        throw new JdbcStoreException("could not write the pending credit charges to schema " + schema
            + (committing ? " (the commit got no answer; the batch is retried and counts once)" : ""), sql);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) e;
    }
    synchronized (lock) {
      dbBalance = sum;
      inFlight = 0;
      if (!retried.isEmpty()) {
        unsure.removeAll(retried);
        unsureTotal = 0;
        for (Batch u : unsure) {
          unsureTotal = Math.addExact(unsureTotal, u.total);
        }
      }
      updateView();
    }
  }

  /**
   * Adds the batches that have not landed yet (numbers above this writer's {@code last_batch}, read with a row
   * lock: a transaction still in doubt on another connection is waited for) and records the newest number.
   */
  private void apply(Connection c, List<Batch> batches, int inDoubt) throws SQLException {
    long applied = 0;
    boolean known;
    try (PreparedStatement ps = c.prepareStatement("select last_batch from " + writers
        + " where writer_id = ? for update")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setObject(1, writerId);
      try (ResultSet rs = ps.executeQuery()) {
        known = rs.next();
        if (known) {
          applied = rs.getLong(1);
        }
      }
    }
    if (!known && inDoubt > 0) {
      LOG.warn("the writer row of this credit ledger in schema {} is gone (deleted by hand, or purged after 30 days "
          + "without the database); {} batches whose commit got no answer are written again and may count twice",
          schema, inDoubt);
    }
    Map<LocalDate, DayTotals> days = new TreeMap<>();
    long newest = applied;
    for (Batch b : batches) {
      if (b.number <= applied) {
        continue; // its first commit landed; only the answer was lost
      }
      b.days.forEach((day, totals) -> days.computeIfAbsent(day, d -> new DayTotals(totals.first)).addAll(totals));
      newest = b.number;
    }
    if (newest == applied) {
      return;
    }
    if (!days.isEmpty()) {
      write(c, days);
    }
    try (PreparedStatement ps = c.prepareStatement("insert into " + writers + " (writer_id, last_batch, updated_at) "
        + "values (?, ?, now()) on conflict (writer_id) do update set last_batch = excluded.last_batch, "
        + "updated_at = excluded.updated_at")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setObject(1, writerId);
      ps.setLong(2, newest);
      ps.executeUpdate();
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

  /** Keeps this writer's row fresh and deletes the rows of writers not heard of for 30 days (crashed instances). */
  int purgeWriters(Connection c) throws SQLException {
    try (PreparedStatement touch = c.prepareStatement("update " + writers + " set updated_at = now() "
        + "where writer_id = ?");
        PreparedStatement purge = c.prepareStatement("delete from " + writers
            + " where updated_at < now() - interval '30 days'")) {
      touch.setQueryTimeout(queryTimeoutSeconds);
      touch.setObject(1, writerId);
      touch.executeUpdate();
      purge.setQueryTimeout(queryTimeoutSeconds);
      return purge.executeUpdate();
    }
  }

  /** Rolls back; answers false (the failure of the rollback added to {@code failure}) when that failed. */
  private static boolean rollbackQuietly(Connection c, Throwable failure) {
    try {
      c.rollback();
      return true;
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
      return false;
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

  /** The background thread's work: never throws, so the schedule goes on whatever failed. */
  private void background() {
    try {
      flush();
    } catch (RuntimeException | Error e) {
      LOG.warn("writing pending credit charges to schema {} failed; retried at the next interval", schema, e);
    }
    synchronized (writeLock) {
      if (closed || System.nanoTime() - lastMaintenance < MAINTENANCE_NANOS) {
        return;
      }
      lastMaintenance = System.nanoTime();
      try (Connection c = dataSource.getConnection()) {
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        purgeWriters(c);
      } catch (SQLException | RuntimeException e) {
        LOG.warn("purging old writer rows in schema {} failed; retried in an hour", schema, e);
      }
    }
  }

  /** The charges refused because they came once {@link #close()} had begun. */
  long refusedCharges() {
    return refused.get();
  }

  /** Under {@link #lock}. */
  private void updateView() {
    long written = Math.subtractExact(dbBalance, inFlight);
    view = Math.subtractExact(Math.subtractExact(written, pendingTotal), unsureTotal);
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
   * Writes every charge made before this began (and any batch still in doubt) and stops the background thread;
   * later charges are refused with a warning, later grants throw {@link IllegalStateException}. The
   * {@code DataSource} is the caller's and stays open. Idempotent.
   *
   * @throws JdbcStoreException when the pending charges cannot be written (they are then lost)
   */
  @Override
  public void close() {
    flusher.shutdownNow();
    synchronized (writeLock) {
      synchronized (lock) {
        if (closed) {
          return;
        }
        closed = true; // a charge from now on is refused; every earlier one is pending or written
      }
      write(false);
      try (Connection c = dataSource.getConnection()) { // nothing is in doubt any more
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        try (PreparedStatement ps = c.prepareStatement("delete from " + writers + " where writer_id = ?")) {
          ps.setQueryTimeout(queryTimeoutSeconds);
          ps.setObject(1, writerId);
          ps.executeUpdate();
        }
      } catch (SQLException | RuntimeException e) {
        LOG.warn("could not delete the writer row of a closed credit ledger in schema {}; it is purged later",
            schema, e);
      }
    }
  }

  @Override
  public String toString() {
    return "JdbcCreditLedger[schema=" + schema + ", balanceCents=" + balanceCents() + "]";
  }

  /** A batch of charges as written: its number (per writer, ascending), its days, and its total. */
  private record Batch(long number, Map<LocalDate, DayTotals> days, long total) {}

  /** One day's pending charges. Guarded by the ledger's lock; not changed once in a batch. */
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

    /** Adds one charge; on an overflow throws and changes nothing. */
    void add(Charge c, Instant at) {
      long a = Math.addExact(amount, c.amountMicroCents());
      long r = Math.addExact(requests, 1);
      long in = Math.addExact(inputTokens, c.inputTokens());
      long out = Math.addExact(outputTokens, c.outputTokens());
      amount = a;
      requests = r;
      inputTokens = in;
      outputTokens = out;
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
