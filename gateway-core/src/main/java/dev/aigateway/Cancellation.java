package dev.aigateway;

import dev.aigateway.internal.plan.EngineAccess;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a host stop a request it no longer needs: its client went away, or its own call was cancelled or
 * timed out. Give one to {@link GatewayRequest.Builder#cancellation}, then call {@link #cancel()} from any
 * thread. The upstream call in flight is cancelled at once and no further attempt starts: a request
 * still failing over ends with {@link RequestCanceledException}, and a stream already returned ends as if
 * the client had closed it (the provider's call is cancelled too). Cancelling after a whole response was
 * returned does nothing.
 *
 * <p>Thread-safe; {@link #cancel()} is idempotent. One cancellation belongs to one request.
 */
public final class Cancellation {
  private static final Logger LOG = LoggerFactory.getLogger(Cancellation.class);
  private static final Runnable NOTHING = new Marker();
  private static final Runnable CANCELLED = new Marker();

  static {
    EngineAccess.register(Cancellation::bind);
  }

  /** What {@link #cancel()} stops now: the call in flight, or the stream returned. */
  private final AtomicReference<Runnable> target = new AtomicReference<>(NOTHING);

  private Cancellation() {}

  public static Cancellation create() {
    return new Cancellation();
  }

  /** Stops the request: the call in flight is cancelled and nothing more is attempted. */
  public void cancel() {
    Runnable previous = target.getAndSet(CANCELLED);
    if (previous == CANCELLED) {
      return;
    }
    try {
      previous.run();
    } catch (RuntimeException e) {
      LOG.warn("cancelling a request's upstream work failed; it ends with its own timeout", e);
    }
  }

  public boolean isCancelled() {
    return target.get() == CANCELLED;
  }

  /** The engine's side: what to stop on cancel from now on; false (and not kept) when already cancelled. */
  private boolean bind(Runnable action) {
    while (true) {
      Runnable current = target.get();
      if (current == CANCELLED) {
        return false;
      }
      if (target.compareAndSet(current, action)) {
        return true;
      }
    }
  }

  @Override
  public String toString() {
    return isCancelled() ? "Cancellation[cancelled]" : "Cancellation[active]";
  }

  /** A state of {@link #target} that stops nothing. */
  private static final class Marker implements Runnable {
    @Override
    public void run() {}
  }
}
