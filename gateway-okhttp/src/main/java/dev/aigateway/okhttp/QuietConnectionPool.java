package dev.aigateway.okhttp;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import okhttp3.ConnectionPool;
import okhttp3.internal.concurrent.TaskRunner;
import okhttp3.internal.connection.ConnectionListener;
import org.slf4j.LoggerFactory;

/**
 * An OkHttp connection pool whose cleanup thread is not woken on every request.
 *
 * <p>OkHttp's pool schedules its cleanup task for "now" whenever a connection is released, which
 * notifies the pool's coordinator thread: on a gateway that is one extra thread wake-up (two context
 * switches) per upstream call. This pool's task runner records such a notification instead, and the
 * {@link Watchdog}, which polls every 10 ms anyway, delivers it. Idle connections are therefore closed
 * and the idle limit enforced up to 10 ms later than OkHttp would, and the coordinator wakes at most
 * 100 times a second however many calls complete.
 *
 * <p>The task runner is OkHttp's internal API (exported to named modules only with {@code --add-exports
 * okhttp3/okhttp3.internal.concurrent=dev.aigateway.okhttp} and the same for
 * {@code okhttp3.internal.connection}). When it cannot be used (the module path without those flags, or
 * an OkHttp whose internals differ), {@link #create} falls back to OkHttp's own pool, which works the same
 * and only wakes its thread per call.
 */
final class QuietConnectionPool {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(QuietConnectionPool.class);

  private QuietConnectionPool() {}

  /** A pool keeping {@code maxIdle} idle connections for {@code keepAlive}; quiet when OkHttp allows. */
  static ConnectionPool create(int maxIdle, long keepAlive, TimeUnit unit) {
    if (!accessible()) {
      LOG.debug("okhttp3 does not export its task runner to this module; using OkHttp's own pool");
      return new ConnectionPool(maxIdle, keepAlive, unit);
    }
    try {
      return Quiet.pool(maxIdle, keepAlive, unit);
    } catch (LinkageError | RuntimeException e) {
      LOG.debug("OkHttp's task runner is not accessible ({}); using OkHttp's own pool", e.toString());
      return new ConnectionPool(maxIdle, keepAlive, unit);
    }
  }

  private static boolean accessible() {
    Module okhttp = ConnectionPool.class.getModule();
    Module self = QuietConnectionPool.class.getModule();
    return okhttp.isExported("okhttp3.internal.concurrent", self)
        && okhttp.isExported("okhttp3.internal.connection", self);
  }

  /** Whether the pool would be quiet here (the internals are accessible). */
  static boolean available() {
    if (!accessible()) {
      return false;
    }
    try {
      Quiet.pool(1, 1, TimeUnit.SECONDS).evictAll();
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** Notifications recorded and delivered, over all quiet pools (for tests and diagnostics). */
  static long[] notifications() {
    return new long[] {Quiet.RECORDED.get(), Quiet.DELIVERED.get()};
  }

  /** Kept in its own class so that a missing or inaccessible internal fails here, not in the caller. */
  private static final class Quiet implements TaskRunner.Backend, Watchdog.Watched {
    static final AtomicLong RECORDED = new AtomicLong();
    static final AtomicLong DELIVERED = new AtomicLong();

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "aigateway-okhttp-pool");
          t.setDaemon(true);
          return t;
        });
    private final TaskRunner runner;
    private volatile boolean pending;
    // the pool a client holds; once it is gone, the watchdog lets this go too
    private java.lang.ref.WeakReference<ConnectionPool> pool = new java.lang.ref.WeakReference<>(null);

    private Quiet() {
      this.runner = new TaskRunner(this, Logger.getLogger(TaskRunner.class.getName()));
    }

    static ConnectionPool pool(int maxIdle, long keepAlive, TimeUnit unit) {
      Quiet quiet = new Quiet();
      ConnectionPool pool =
          new ConnectionPool(maxIdle, keepAlive, unit, quiet.runner, ConnectionListener.Companion.getNONE());
      quiet.pool = new java.lang.ref.WeakReference<>(pool);
      Watchdog.INSTANCE.watch(quiet);
      return pool;
    }

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    /** Called with the runner's monitor held, when a task became due earlier than the coordinator waits. */
    @Override
    public void coordinatorNotify(TaskRunner taskRunner) {
      if (!pending) { // under the runner's monitor, as the delivery: each recorded one is delivered once
        pending = true;
        RECORDED.incrementAndGet();
      }
    }

    /**
     * Called with the runner's monitor held; the same wait as OkHttp's own backend. OkHttp's coordinator
     * expects an interrupt to come out as {@code InterruptedException} (it then cancels its tasks), which the
     * Kotlin signature does not declare.
     */
    @Override
    @SuppressWarnings("WaitNotInLoop") // OkHttp's coordinator loops around this call
    public void coordinatorWait(TaskRunner taskRunner, long nanos) {
      long ms = nanos / 1_000_000L;
      long ns = nanos - ms * 1_000_000L;
      if (ms > 0 || nanos > 0) {
        try {
          taskRunner.wait(ms, (int) ns);
        } catch (InterruptedException e) {
          Quiet.<RuntimeException>rethrow(e);
        }
      }
    }

    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Throwable> void rethrow(Throwable t) throws E {
      throw (E) t;
    }

    @Override
    public <T> BlockingQueue<T> decorate(BlockingQueue<T> queue) {
      return queue;
    }

    @Override
    public void execute(TaskRunner taskRunner, Runnable runnable) {
      executor.execute(runnable);
    }

    /** Each watchdog tick: delivers a recorded notification; done once the pool is unreachable. */
    @Override
    public boolean poll(long nowNanos) {
      if (pool.get() == null) {
        return true;
      }
      if (pending) {
        synchronized (runner) {
          pending = false;
          runner.notify();
          DELIVERED.incrementAndGet();
        }
      }
      return false;
    }
  }
}
