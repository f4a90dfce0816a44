package dev.aigateway.jdbc;

import dev.aigateway.internal.jdbc.SchemaMigrator;
import dev.aigateway.internal.jdbc.Sql;
import dev.aigateway.internal.usage.UsageKey;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage events on PostgreSQL, shared by every gateway instance on the same schema: table {@code usage_events},
 * one row per upstream attempt, listed and summed by SQL.
 *
 * <pre>{@code
 * JdbcUsageLog usage = JdbcUsageLog.builder().dataSource(dataSource).build();
 * Gateway gateway = Gateway.builder().keyStore(store).usageLog(usage).build();
 * }</pre>
 *
 * <p><b>Writes.</b> {@link #record} only adds the events to a queue in memory: no round trip on the request
 * thread. Every {@linkplain Builder#flushInterval flush interval} (default one second) a background thread
 * inserts the queued events, a few thousand rows per statement ({@code insert ... select from unnest(...)}),
 * ignoring rows already present (the key is request id and attempt number, so a batch written twice after a
 * lost answer counts once). A crash loses at most the events of the last interval. While the database fails,
 * the queue holds at most a million events, and later ones are dropped with a warning. A NUL character, which
 * PostgreSQL text cannot hold, is written as U+FFFD.
 *
 * <p><b>One bad event does not hold up the others.</b> When a statement fails for its data (an SQL state of
 * class 22 or 23, say a check constraint an operator added) or with an exception other than
 * {@link SQLException}, the rows are inserted again in halves until the failing events stand alone; those are
 * set aside, each logged once by request id and attempt number (an event holds ids and numbers, no secret),
 * and the rest is written. An event that fails with a non-SQL exception is set aside only when other rows of
 * the same flush were written (otherwise the failure is taken to be the connection's, and everything stays
 * queued), and at most 100 events are set aside per flush. Any other failure keeps the unwritten events queued
 * for the next interval, ahead of newer ones.
 *
 * <p><b>Closing.</b> {@link #close()} writes every event recorded before it began. Events recorded once close
 * has begun are refused: not queued, with a warning in the log, never kept silently.
 *
 * <p><b>Reads.</b> {@link #list} and {@link #overview} first write this instance's queue, so its own events
 * show at once; events of other instances show once their batch is written (within about one interval). The
 * listing is newest first by {@code (timestamp, request id, attempt number)}, with the core's cursor and a
 * keyset condition served by an index; the overview's daily (UTC) buckets are summed by the database.
 *
 * <p><b>Retention.</b> Events older than the retention (default 30 days) are never listed nor summed, and are
 * deleted when the log opens and then every {@linkplain Builder#purgeInterval purge interval} (default one
 * hour), in chunks of 10,000 rows, by any instance.
 *
 * <p>Thread-safety: safe for concurrent use. Recording takes one short lock.
 */
public final class JdbcUsageLog implements UsageLog, AutoCloseable {
  /** Events queued at most; beyond (the database has been failing for a while) new events are dropped. */
  static final int MAX_QUEUED = 1_000_000;
  /** Rows per insert statement. */
  static final int CHUNK = 5_000;
  /** Events one flush sets aside at most; beyond, the failure is taken as systematic and the events stay queued. */
  static final int MAX_SET_ASIDE = 100;
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final int PURGE_CHUNK = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(JdbcUsageLog.class);
  private static final String COLUMNS = "ts_nanos, request_id, attempt_number, access_key_id, is_final_attempt, "
      + "status_code, timed_out, is_streaming, stop_reason, input_tokens, output_tokens, cache_read_tokens, "
      + "reasoning_tokens, cost_micro_cents, key_source, provider_key_id, provider, model";

  private final DataSource dataSource;
  private final String schema;
  private final String table;
  private final Clock clock;
  private final Duration retention;
  private final long purgeEveryNanos;
  private final int queryTimeoutSeconds;
  private final Object queueLock = new Object();
  /** Guarded by queueLock. */
  private List<UsageEvent> queued = new ArrayList<>();
  private final Object writeLock = new Object();
  /** Events dropped by record (the log closing or closed, or the queue full). */
  private final AtomicLong dropped = new AtomicLong();
  /** Events set aside by flushes, as their data could not be written. */
  private final AtomicLong setAside = new AtomicLong();
  private long lastPurge;
  private final ScheduledExecutorService flusher;
  /** Set under queueLock: once set, nothing more is queued. */
  private volatile boolean closed;

  private JdbcUsageLog(Builder b, DataSource dataSource) throws SQLException {
    this.dataSource = dataSource;
    this.schema = b.schema;
    this.table = Sql.quote(b.schema) + ".usage_events";
    this.clock = b.clock;
    this.retention = b.retention;
    this.purgeEveryNanos = b.purgeInterval.toNanos();
    this.queryTimeoutSeconds = (int) Math.max(1, b.queryTimeout.toSeconds());
    SchemaMigrator.migrate(dataSource, schema);
    purge();
    this.lastPurge = System.nanoTime();
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-jdbc-usage-" + schema);
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
  public void record(List<UsageEvent> events) {
    List<UsageEvent> copy = List.copyOf(events);
    boolean isClosed;
    synchronized (queueLock) {
      isClosed = closed;
      if (!isClosed && queued.size() + copy.size() <= MAX_QUEUED) {
        queued.addAll(copy);
        return;
      }
    }
    dropped.addAndGet(copy.size());
    if (isClosed) {
      LOG.warn("the usage log of schema {} is closed; {} usage events dropped", schema, copy.size());
    } else {
      LOG.warn("{} usage events are waiting to be written to schema {}; {} more dropped", MAX_QUEUED, schema,
          copy.size());
    }
  }

  /**
   * Writes the queued events now; durable when this returns. Events whose data cannot be written are set aside
   * and logged (see the class description); the others are written.
   *
   * @throws JdbcStoreException when the database does not acknowledge them (they stay queued for the next write)
   */
  public void flush() {
    synchronized (writeLock) {
      List<UsageEvent> batch;
      synchronized (queueLock) {
        batch = queued;
        queued = new ArrayList<>();
      }
      if (batch.isEmpty()) {
        return;
      }
      Pass pass = new Pass();
      int written = 0;
      try {
        try (Connection c = dataSource.getConnection()) {
          if (!c.getAutoCommit()) {
            c.setAutoCommit(true); // each statement stands alone: a refused one undoes nothing else
          }
          while (written < batch.size()) {
            int end = Math.min(batch.size(), written + CHUNK);
            insertIsolating(c, batch.subList(written, end), pass);
            written = end;
          }
        }
        if (!pass.suspects.isEmpty() && !pass.wroteSome) {
          throw new Unwritable(pass.firstSuspectFailure());
        }
        for (Map.Entry<UsageEvent, Throwable> e : pass.suspects.entrySet()) {
          setAside(e.getKey(), e.getValue());
        }
      } catch (SQLException | RuntimeException | Error e) {
        Throwable cause = e instanceof Unwritable u ? u.failure : e;
        List<UsageEvent> unwritten = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          UsageEvent event = batch.get(i);
          // rows of the range in progress that were written already are ignored when written again
          if ((i >= written || pass.suspects.containsKey(event)) && !pass.setAside.contains(event)) {
            unwritten.add(event);
          }
        }
        int count = unwritten.size();
        synchronized (queueLock) { // tried again with the next batch, before what came since
          unwritten.addAll(queued);
          queued = unwritten;
        }
        if (e instanceof Error err) {
          throw err;
        }
        throw new JdbcStoreException("could not write " + count + " usage events to schema "
            + schema + (cause instanceof SQLException sql ? " (SQL state " + sql.getSQLState() + ")"
            : " (" + cause.getClass().getName() + ")"), cause);
      }
    }
  }

  /**
   * Inserts {@code events}; when the statement fails for its data, or with a non-SQL exception, inserts the
   * halves again, down to single events: one refused for its data is set aside at once, one that failed
   * otherwise becomes a suspect, set aside at the end of the flush if anything else was written.
   *
   * @throws SQLException when the database fails otherwise (the connection, a timeout): nothing is set aside
   * @throws Unwritable when more than {@link #MAX_SET_ASIDE} events would be set aside in one flush
   */
  private void insertIsolating(Connection c, List<UsageEvent> events, Pass pass) throws SQLException {
    Throwable failure;
    try {
      insert(c, events);
      pass.wroteSome = true;
      return;
    } catch (SQLException e) {
      if (!isDataError(e)) {
        throw e;
      }
      failure = e;
    } catch (RuntimeException e) {
      failure = e;
    }
    if (events.size() > 1) {
      int half = events.size() / 2;
      insertIsolating(c, events.subList(0, half), pass);
      insertIsolating(c, events.subList(half, events.size()), pass);
      return;
    }
    if (pass.setAside.size() + pass.suspects.size() >= MAX_SET_ASIDE) {
      throw new Unwritable(failure);
    }
    UsageEvent event = events.get(0);
    if (failure instanceof SQLException) {
      setAside(event, failure);
      pass.setAside.add(event);
    } else {
      pass.suspects.put(event, failure);
    }
  }

  /** The statement failed for what it wrote (SQL states of class 22, data, and 23, integrity), not how. */
  private static boolean isDataError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  /** Logs an event that is not written, once, by its ids (an event holds no secret; its values are not logged). */
  private void setAside(UsageEvent event, Throwable failure) {
    setAside.incrementAndGet();
    LOG.error("usage event of request {} attempt {} could not be written to schema {} and is dropped: {}{}",
        event.requestId(), event.attemptNumber(), schema, failure.getClass().getName(),
        failure instanceof SQLException sql ? " (SQL state " + sql.getSQLState() + ")" : "");
  }

  /** Events dropped by {@link #record} (closing or closed, or the queue full). */
  long droppedEvents() {
    return dropped.get();
  }

  /** Events set aside by flushes because their data could not be written. */
  long setAsideEvents() {
    return setAside.get();
  }

  /** What one flush has written and set aside. */
  private static final class Pass {
    boolean wroteSome;
    final Set<UsageEvent> setAside = Collections.newSetFromMap(new IdentityHashMap<>());
    final IdentityHashMap<UsageEvent, Throwable> suspects = new IdentityHashMap<>();

    Throwable firstSuspectFailure() {
      return suspects.values().iterator().next();
    }
  }

  /** Stops a flush whose failures look systematic rather than one event's; the events stay queued. */
  private static final class Unwritable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("serial") // never serialised
    final Throwable failure;

    Unwritable(Throwable failure) {
      super(failure.getClass().getName(), failure, false, false);
      this.failure = failure;
    }
  }

  private void insert(Connection c, List<UsageEvent> events) throws SQLException {
    int n = events.size();
    Long[] ts = new Long[n];
    String[] requestIds = new String[n];
    Integer[] attempts = new Integer[n];
    String[] accessKeys = new String[n];
    Boolean[] finals = new Boolean[n];
    Integer[] statuses = new Integer[n];
    Boolean[] timedOut = new Boolean[n];
    Boolean[] streaming = new Boolean[n];
    @Nullable String[] stopReasons = new String[n];
    Long[] input = new Long[n];
    Long[] output = new Long[n];
    Long[] cacheRead = new Long[n];
    Long[] reasoning = new Long[n];
    Long[] cost = new Long[n];
    String[] sources = new String[n];
    @Nullable String[] providerKeys = new String[n];
    String[] providers = new String[n];
    String[] models = new String[n];
    for (int i = 0; i < n; i++) {
      UsageEvent e = events.get(i);
      ts[i] = nanos(e.timestamp());
      requestIds[i] = text(e.requestId());
      attempts[i] = e.attemptNumber();
      accessKeys[i] = text(e.accessKeyId());
      finals[i] = e.isFinalAttempt();
      statuses[i] = e.statusCode();
      timedOut[i] = e.timedOut();
      streaming[i] = e.isStreaming();
      String stop = e.stopReason();
      stopReasons[i] = stop == null ? null : text(stop);
      input[i] = e.inputTokens();
      output[i] = e.outputTokens();
      cacheRead[i] = e.cacheReadTokens();
      reasoning[i] = e.reasoningTokens();
      cost[i] = e.costMicroCents();
      sources[i] = e.keySource().json();
      String providerKey = e.providerKeyId();
      providerKeys[i] = providerKey == null ? null : text(providerKey);
      providers[i] = text(e.provider());
      models[i] = text(e.model());
    }
    try (PreparedStatement ps = c.prepareStatement("insert into " + table + " (" + COLUMNS + ") select * from unnest("
        + "?::bigint[], ?::text[], ?::integer[], ?::text[], ?::boolean[], ?::integer[], ?::boolean[], ?::boolean[], "
        + "?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], "
        + "?::text[], ?::text[]) on conflict (request_id, attempt_number) do nothing")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      Object[][] columns = {ts, requestIds, attempts, accessKeys, finals, statuses, timedOut, streaming, stopReasons,
          input, output, cacheRead, reasoning, cost, sources, providerKeys, providers, models};
      String[] types = {"int8", "text", "int4", "text", "bool", "int4", "bool", "bool", "text", "int8", "int8", "int8",
          "int8", "int8", "text", "text", "text", "text"};
      List<Array> arrays = new ArrayList<>(columns.length);
      try {
        for (int i = 0; i < columns.length; i++) {
          Array a = c.createArrayOf(types[i], columns[i]);
          arrays.add(a);
          ps.setArray(i + 1, a);
        }
        ps.executeUpdate();
      } finally {
        for (Array a : arrays) {
          a.free();
        }
      }
    }
  }

  /** PostgreSQL text holds no NUL character: written as U+FFFD. */
  private static String text(String s) {
    return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  /** The background thread's work: never throws, so the schedule goes on whatever failed. */
  private void background() {
    try {
      flush();
    } catch (RuntimeException | Error e) {
      LOG.warn("writing usage events to schema {} failed; retried at the next interval", schema, e);
    }
    if (System.nanoTime() - lastPurge >= purgeEveryNanos) {
      lastPurge = System.nanoTime();
      try {
        purge();
      } catch (SQLException | RuntimeException e) {
        LOG.warn("deleting expired usage events in schema {} failed; retried at the next purge", schema, e);
      }
    }
  }

  /** Deletes the events past the retention, in chunks; answers how many. */
  int purge() throws SQLException {
    long cutoff = nanos(clock.now().minus(retention));
    int total = 0;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("delete from " + table
        + " where ctid = any(array(select ctid from " + table + " where ts_nanos < ? limit " + PURGE_CHUNK + "))")) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setLong(1, cutoff);
      for (int i = 0; i < 100_000; i++) { // bounded: a billion rows
        int deleted = ps.executeUpdate();
        total += deleted;
        if (deleted < PURGE_CHUNK) {
          break;
        }
      }
    }
    if (total > 0) {
      LOG.info("deleted {} usage events older than {} from schema {}", total, retention, schema);
    }
    return total;
  }

  @Override
  public EventPage list(Query query) {
    Objects.requireNonNull(query, "query");
    UsageKey after = query.cursor() == null ? null : UsageKey.parse(query.cursor());
    flushForRead();
    StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from ").append(table)
        .append(" where ts_nanos >= ?");
    List<Object> args = new ArrayList<>();
    args.add(from(query.start()));
    Instant end = query.end();
    if (end != null) {
      sql.append(" and ts_nanos < ?");
      args.add(nanos(end));
    }
    String accessKeyId = query.accessKeyId();
    if (accessKeyId != null) {
      sql.append(" and access_key_id = ?");
      args.add(accessKeyId);
    }
    if (!query.includeRetries()) {
      sql.append(" and is_final_attempt");
    }
    if (after != null) {
      sql.append(" and (ts_nanos, request_id, attempt_number) < (?, ?::text collate \"C\", ?)");
      args.add(nanos(after.timestamp()));
      args.add(after.requestId());
      args.add(after.attemptNumber());
    }
    sql.append(" order by ts_nanos desc, request_id desc, attempt_number desc limit ?");
    args.add(query.limit() + 1);
    List<UsageEvent> page = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          page.add(read(rs));
        }
      }
    } catch (SQLException e) {
      throw new JdbcStoreException("could not list the usage events of schema " + schema, e);
    }
    if (page.size() > query.limit()) {
      page.remove(page.size() - 1);
      return new EventPage(page, UsageKey.of(page.get(page.size() - 1)).cursor());
    }
    return new EventPage(page, null);
  }

  @Override
  public List<Bucket> overview(@Nullable Instant start, @Nullable Instant end, GroupBy groupBy) {
    Objects.requireNonNull(groupBy, "groupBy");
    flushForRead();
    String group = groupBy == GroupBy.PROVIDER ? "provider" : "access_key_id";
    // ts_nanos is never negative (request times after 1970), so integer division is the UTC day
    String sql = "select ts_nanos / " + NANOS_PER_DAY + " as day, " + group + " as g, "
        + "coalesce(sum(cost_micro_cents), 0)::bigint, count(*) filter (where is_final_attempt), "
        + "count(*) filter (where is_final_attempt and (timed_out or status_code = 0 or status_code >= 400)) "
        + "from " + table + " where ts_nanos >= ?" + (end == null ? "" : " and ts_nanos < ?")
        + " group by 1, 2 order by 1, 2";
    List<Bucket> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(queryTimeoutSeconds);
      ps.setLong(1, from(start));
      if (end != null) {
        ps.setLong(2, nanos(end));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Bucket(Instant.ofEpochSecond(Math.multiplyExact(rs.getLong(1), 86_400L)), rs.getString(2),
              rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    } catch (SQLException e) {
      throw new JdbcStoreException("could not sum the usage events of schema " + schema, e);
    }
    return out;
  }

  /** Writes this instance's queue so a read shows it; a failure is logged, and the read goes on. */
  private void flushForRead() {
    try {
      flush();
    } catch (JdbcStoreException e) {
      LOG.warn("writing queued usage events to schema {} before a read failed; they are retried", schema, e);
    }
  }

  private long from(@Nullable Instant start) {
    long cutoff = nanos(clock.now().minus(retention));
    return start == null ? cutoff : Math.max(cutoff, nanos(start));
  }

  /** Nanoseconds since the epoch, saturated at the range of a long (years 1677 to 2262). */
  static long nanos(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + t.getNano();
  }

  private static UsageEvent read(ResultSet rs) throws SQLException {
    long ts = rs.getLong(1);
    return new UsageEvent(Instant.ofEpochSecond(Math.floorDiv(ts, 1_000_000_000L), Math.floorMod(ts, 1_000_000_000L)),
        rs.getString(2), rs.getString(4), rs.getInt(3), rs.getBoolean(5), rs.getInt(6), rs.getBoolean(7),
        rs.getBoolean(8), rs.getString(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13),
        rs.getLong(14), "managed".equals(rs.getString(15)) ? KeySource.MANAGED : KeySource.USER, rs.getString(16),
        rs.getString(17), rs.getString(18));
  }

  /**
   * Writes every event recorded before this began and stops the background thread; events recorded once it
   * has begun are dropped with a warning. The {@code DataSource} is the caller's and stays open. Idempotent.
   *
   * @throws JdbcStoreException when the queued events cannot be written (they are then lost)
   */
  @Override
  public void close() {
    flusher.shutdownNow();
    synchronized (queueLock) {
      if (closed) {
        return;
      }
      closed = true; // from now on nothing is queued: what is queued is all there is to write
    }
    flush();
  }

  @Override
  public String toString() {
    return "JdbcUsageLog[schema=" + schema + ", retention=" + retention + "]";
  }

  /** Where the database is, how long events are kept, how often they are written. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private String schema = "aigateway";
    private Clock clock = Clock.system();
    private Duration retention = DEFAULT_RETENTION;
    private Duration flushInterval = Duration.ofSeconds(1);
    private Duration purgeInterval = Duration.ofHours(1);
    private Duration queryTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The database (a pool, for instance the application's or {@link JdbcKeyStore#dataSource()}): the log
     * borrows one connection per write or query and never closes it.
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

    /** What "now" is for the retention; default {@link Clock#system()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long an event is kept after its timestamp; default 30 days. */
    public Builder retention(Duration retention) {
      this.retention = UsageLog.checkRetention(retention);
      return this;
    }

    /**
     * How often queued events are written: what a crash can lose at most, and how late this instance's events
     * show on other instances. Default 1 s; 10 ms to 1 hour.
     */
    public Builder flushInterval(Duration interval) {
      this.flushInterval = between(interval, "flushInterval", Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /** How often events past the retention are deleted; default 1 hour; 1 minute to 1 day. */
    public Builder purgeInterval(Duration interval) {
      this.purgeInterval = between(interval, "purgeInterval", Duration.ofMinutes(1), Duration.ofDays(1));
      return this;
    }

    /** The longest one statement may run (default 30 s: an overview of a busy month reads many rows). */
    public Builder queryTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "queryTimeout");
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("queryTimeout must be at least 1 s but was " + timeout);
      }
      this.queryTimeout = timeout;
      return this;
    }

    private static Duration between(Duration d, String name, Duration min, Duration max) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + " but was " + d);
      }
      return d;
    }

    /**
     * Migrates the schema, deletes events past the retention and starts the background writer.
     *
     * @throws IllegalStateException when no data source was given
     * @throws JdbcStoreException when the database cannot be reached or migrated
     */
    public JdbcUsageLog build() {
      if (dataSource == null) {
        throw new IllegalStateException("give dataSource(...)");
      }
      try {
        return new JdbcUsageLog(this, dataSource);
      } catch (SQLException e) {
        throw new JdbcStoreException("could not open the usage log in schema " + schema + " (SQL state "
            + e.getSQLState() + ")", e);
      }
    }
  }
}
