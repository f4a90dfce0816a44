package dev.aigateway.okhttp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon thread that polls what it watches every 10 ms: attempt deadlines, streams that stopped
 * producing bytes, and app calls that were cancelled. Starting and ending a watch costs a set insert and
 * remove, never a thread wake-up (a timer queue, like Okio's, signals its thread whenever a new deadline is
 * the earliest, which on a gateway is every request). Deadlines are met within about 10 ms.
 */
final class Watchdog implements Runnable {
  static final Watchdog INSTANCE = new Watchdog();

  /** Something with a deadline. */
  interface Watched {
    /** Checks the deadline; answers true when it has acted and need not be watched any more. */
    boolean poll(long nowNanos);
  }

  // a concurrent set: run() removes entries while iterating, and watches end on other threads
  private final ConcurrentHashMap.KeySetView<Watched, Boolean> watched = ConcurrentHashMap.newKeySet();

  private Watchdog() {
    Thread t = new Thread(this, "aigateway-okhttp-watchdog");
    t.setDaemon(true);
    t.start();
  }

  void watch(Watched w) {
    watched.add(w);
  }

  void forget(Watched w) {
    watched.remove(w);
  }

  @Override
  public void run() {
    while (true) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Watched w : watched) {
        try {
          if (w.poll(now)) {
            watched.remove(w);
          }
        } catch (RuntimeException e) {
          watched.remove(w); // a watch that cannot be checked is dropped; the thread must live on
        }
      }
    }
  }
}
