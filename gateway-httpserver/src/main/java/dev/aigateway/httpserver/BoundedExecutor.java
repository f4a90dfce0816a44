package dev.aigateway.httpserver;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK server's dispatcher pool: {@code threads} handler threads and a waiting line of as many
 * exchanges (a short burst waits instead of failing). An exchange that finds both full runs on a small
 * overflow pool instead, where the handlers answer 503 with {@code Retry-After} at once; the dispatcher
 * thread never runs a handler itself, so it keeps accepting.
 */
final class BoundedExecutor extends AbstractExecutorService {
  private static final ThreadLocal<Boolean> OVERFLOW = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static final int OVERFLOW_THREADS = 2;
  private static final int OVERFLOW_QUEUE = 1024;

  private final ThreadPoolExecutor pool;
  private final ThreadPoolExecutor overflow;

  BoundedExecutor(int threads) {
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads), r -> {
      Thread t = new Thread(r, "aigateway-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    AtomicInteger m = new AtomicInteger();
    overflow = new ThreadPoolExecutor(OVERFLOW_THREADS, OVERFLOW_THREADS, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(OVERFLOW_QUEUE), r -> {
          Thread t = new Thread(r, "aigateway-http-overflow-" + m.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    overflow.allowCoreThreadTimeOut(true);
  }

  /** Whether the current thread runs an exchange that found no free handler thread. */
  static boolean isOverflow() {
    return OVERFLOW.get();
  }

  /**
   * Runs {@code task} on a free handler thread, else on the overflow pool (marked, so handlers answer 503).
   *
   * @throws RejectedExecutionException only when the overflow line is full as well (1,024 waiting 503s)
   */
  @Override
  public void execute(Runnable task) {
    try {
      pool.execute(task);
    } catch (RejectedExecutionException busy) {
      overflow.execute(() -> {
        OVERFLOW.set(Boolean.TRUE);
        try {
          task.run();
        } finally {
          OVERFLOW.set(Boolean.FALSE);
        }
      });
    }
  }

  @Override
  public void shutdown() {
    pool.shutdown();
    overflow.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> out = new java.util.ArrayList<>(pool.shutdownNow());
    out.addAll(overflow.shutdownNow());
    return out;
  }

  @Override
  public boolean isShutdown() {
    return pool.isShutdown() && overflow.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return pool.isTerminated() && overflow.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long until = System.nanoTime() + unit.toNanos(timeout);
    return pool.awaitTermination(timeout, unit)
        && overflow.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  @Override
  public String toString() {
    return "BoundedExecutor[" + pool.getMaximumPoolSize() + " threads]";
  }
}
