package dev.aigateway.internal.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping the background writer of a data-directory file before its owner's last write. */
public final class BackgroundWrites {
  private BackgroundWrites() {}

  /**
   * Stops {@code writer}, letting a write in progress end (at most 30 s), and clears this thread's interrupt flag:
   * an interrupt closes a file channel under a write, the writer's or the last one that follows. Answers whether
   * the thread was interrupted, so the caller sets the flag again after its last write.
   */
  public static boolean stopForLastWrite(ExecutorService writer) {
    // shutdown, not shutdownNow: shutdownNow interrupts the writer in the middle of a write
    writer.shutdown();
    boolean interrupted = false;
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    return Thread.interrupted() | interrupted;
  }
}
