package dev.aigateway.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a real one whose connections do what the real ones do, and fail on cue: a commit
 * that lands but whose answer is lost, an array parameter that cannot be encoded, a statement that cannot be
 * prepared. Every fault is armed explicitly and fires a bounded number of times.
 */
final class FaultyDataSource {
  private final DataSource real;
  private final AtomicInteger lostCommitAnswers = new AtomicInteger();
  private final AtomicInteger committed = new AtomicInteger();
  private final AtomicReference<String> unencodable = new AtomicReference<>();
  private final AtomicReference<Throwable> nextPrepare = new AtomicReference<>();

  FaultyDataSource(DataSource real) {
    this.real = real;
  }

  /** The data source to hand to the code under test. */
  DataSource dataSource() {
    InvocationHandler h = (proxy, m, args) -> {
      Object out = call(real, m, args);
      return "getConnection".equals(m.getName()) ? connection((Connection) out) : out;
    };
    return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, h);
  }

  /** The next {@code times} commits are made, and then throw as when the connection drops before the answer. */
  void loseCommitAnswers(int times) {
    lostCommitAnswers.set(times);
  }

  /** Commits made through this data source (with or without their answer). */
  int commits() {
    return committed.get();
  }

  /** {@code createArrayOf} throws {@link IllegalArgumentException} for an array holding {@code value}; null: off. */
  void failArraysHolding(String value) {
    unencodable.set(value);
  }

  /** The next {@code prepareStatement} throws {@code failure} (once). */
  void failNextPrepare(Throwable failure) {
    nextPrepare.set(failure);
  }

  private Connection connection(Connection c) {
    InvocationHandler h = (proxy, m, args) -> {
      switch (m.getName()) {
        case "commit" -> {
          Object out = call(c, m, args);
          committed.incrementAndGet();
          if (lostCommitAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLException("An I/O error occurred while sending to the backend (test: after COMMIT)",
                "08006");
          }
          return out;
        }
        case "createArrayOf" -> {
          String bad = unencodable.get();
          if (bad != null && Arrays.asList((Object[]) args[1]).contains(bad)) {
            throw new IllegalArgumentException("cannot encode an array element (test)");
          }
          return call(c, m, args);
        }
        case "prepareStatement" -> {
          Throwable t = nextPrepare.getAndSet(null);
          if (t != null) {
            throw t;
          }
          return call(c, m, args);
        }
        default -> {
          return call(c, m, args);
        }
      }
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
