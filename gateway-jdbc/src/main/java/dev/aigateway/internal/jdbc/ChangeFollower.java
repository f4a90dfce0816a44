package dev.aigateway.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread of a store: it applies the changes other instances make, and writes the last use
 * of access keys.
 *
 * <p>It holds one connection that LISTENs on the schema's channel and waits on it for at most the poll
 * interval; after a notification, and after every wait that ended without one, it reads the change log past
 * the last change it has applied (the polling safety net: a notification lost with a dropped connection is
 * found by the next poll). The changed resources are read again and put into, or removed from, the mirror,
 * and the listeners told. When anything fails, the LISTEN connection is dropped and the loop starts again
 * after a backoff that doubles from 100 ms to at most 5 s.
 */
public final class ChangeFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);
  /** The application name of the LISTEN connection, as {@code pg_stat_activity} shows it. */
  public static final String APPLICATION_NAME = "aigateway-listener";
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final int BATCH = 1_000;
  private static final long TOUCH_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long VALIDATE_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long PRUNE_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Database db;
  private final Mirror mirror;
  private final long pollMillis;
  private final boolean listen;
  private final Duration retention;
  private final ConcurrentHashMap<String, Instant> touches = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  /** The last change applied; written under the mirror's lock. */
  private volatile long lastSeq;
  private @Nullable Connection listenConnection;
  private long nextTouchFlush;
  private long nextValidation;
  private long nextPrune;

  public ChangeFollower(Database db, Mirror mirror, long lastSeq, Duration pollInterval, boolean listen,
      Duration retention) {
    this.db = db;
    this.mirror = mirror;
    this.lastSeq = lastSeq;
    this.pollMillis = Math.max(1, pollInterval.toMillis());
    this.listen = listen;
    this.retention = retention;
    this.thread = new Thread(this::run, "aigateway-jdbc-changes-" + db.schema());
    this.thread.setDaemon(true);
  }

  public void start() {
    long now = System.nanoTime();
    nextTouchFlush = now + TOUCH_FLUSH_NANOS;
    nextValidation = now + VALIDATE_NANOS;
    nextPrune = now + PRUNE_NANOS / 10;
    thread.start();
  }

  /** Records an access key's last use, written within about a second, without a change notification. */
  public void touched(String id, Instant when) {
    touches.merge(id, when, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** The last change of the log applied to the mirror. */
  public long lastSeq() {
    return lastSeq;
  }

  private void run() {
    long backoff = MIN_BACKOFF_MILLIS;
    while (!closed) {
      try {
        if (listen && listenConnection == null) {
          listenConnection = openListenConnection();
        }
        waitForNotifications();
        catchUp();
        housekeeping();
        backoff = MIN_BACKOFF_MILLIS;
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.warn("Following the changes of schema {} failed ({}); trying again in {} ms", db.schema(), describe(e),
            backoff);
        closeListenConnection();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          if (closed) {
            break;
          }
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
    closeListenConnection();
  }

  private static String describe(Exception e) {
    return e instanceof SQLException sql ? "SQL state " + sql.getSQLState() + ": " + sql.getMessage() : e.toString();
  }

  private Connection openListenConnection() throws SQLException {
    Connection c = db.dataSource().getConnection();
    try {
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("select set_config('application_name', '" + APPLICATION_NAME + "', false)");
        st.execute("listen \"" + Sql.channel(db.schema()) + "\"");
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void closeListenConnection() {
    Connection c = listenConnection;
    listenConnection = null;
    if (c == null) {
      return;
    }
    try {
      if (c.isValid(1)) {
        try (Statement st = c.createStatement()) {
          st.execute("unlisten *");
          st.execute("reset application_name");
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("Could not reset the listening connection; closing it", e);
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("Could not close the listening connection", e);
    }
  }

  private void waitForNotifications() throws SQLException, InterruptedException {
    Connection c = listenConnection;
    if (c == null) {
      Thread.sleep(pollMillis);
      return;
    }
    PGNotification[] received = c.unwrap(PGConnection.class).getNotifications((int) Math.min(pollMillis, 60_000));
    if (received != null && received.length > 0) {
      LOG.trace("{} change notification(s) on schema {}", received.length, db.schema());
    }
  }

  private void housekeeping() throws SQLException {
    long now = System.nanoTime();
    if (now - nextTouchFlush >= 0) {
      nextTouchFlush = now + TOUCH_FLUSH_NANOS;
      flushTouches();
    }
    Connection c = listenConnection;
    if (c != null && now - nextValidation >= 0) {
      nextValidation = now + VALIDATE_NANOS;
      if (!c.isValid(2)) {
        throw new SQLException("the listening connection is no longer valid", "08003");
      }
    }
    if (now - nextPrune >= 0) {
      nextPrune = now + PRUNE_NANOS;
      int pruned = db.prune(retention);
      if (pruned > 0) {
        LOG.debug("Pruned {} changes older than {} from schema {}", pruned, retention, db.schema());
      }
    }
  }

  /** Writes the pending last-use times; a time recorded meanwhile stays pending. */
  public void flushTouches() throws SQLException {
    if (touches.isEmpty()) {
      return;
    }
    Map<String, Instant> batch = new HashMap<>(touches);
    db.writeLastUsed(batch);
    batch.forEach(touches::remove);
  }

  /**
   * Applies every change of the log past the last one applied: reads the changed resources again and puts
   * them into (or removes them from) the mirror, telling the listeners. After a TRUNCATE, or when the log was
   * pruned past the last change applied, everything is read again.
   */
  public void catchUp() throws SQLException {
    mirror.lock().lock();
    try {
      while (true) {
        Database.Changes batch = db.changesSince(lastSeq, BATCH);
        if (batch.prunedThrough() > lastSeq) {
          LOG.info("The change log of schema {} was pruned past the last change this instance applied; reloading "
              + "everything", db.schema());
          reloadAll();
          return;
        }
        if (batch.changes().isEmpty()) {
          return;
        }
        Map<Table<?>, Set<String>> changed = new LinkedHashMap<>();
        for (Database.Change change : batch.changes()) {
          if (change.id().equals("*")) {
            reloadAll();
            return;
          }
          changed.computeIfAbsent(Table.of(change.type()), t -> new LinkedHashSet<>()).add(change.id());
        }
        for (Map.Entry<Table<?>, Set<String>> e : changed.entrySet()) {
          refresh(e.getKey(), e.getValue());
        }
        lastSeq = batch.changes().get(batch.changes().size() - 1).seq();
        if (batch.changes().size() < BATCH) {
          return;
        }
      }
    } finally {
      mirror.lock().unlock();
    }
  }

  private <T> void refresh(Table<T> table, Collection<String> keys) throws SQLException {
    Map<String, T> rows = db.load(table, keys);
    for (String key : keys) {
      T value = rows.get(key);
      if (value != null) {
        mirror.put(table, value);
      } else {
        mirror.remove(table, key);
      }
    }
  }

  private void reloadAll() throws SQLException {
    Database.Snapshot snapshot = db.loadAll();
    mirror.replaceAll(snapshot.memory());
    lastSeq = snapshot.lastSeq();
  }

  /** Stops the thread (waiting for it up to 5 s), closes the LISTEN connection and writes pending last uses. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flushTouches();
    } catch (SQLException | RuntimeException e) {
      LOG.warn("Could not write the last use of {} key(s) on close ({})", touches.size(), describe(e));
    }
  }
}
