package dev.aigateway.spi;

import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told what the gateway decides, for metrics, audit logs and tests. Methods do nothing by default, so new
 * events never break an implementation. A listener that throws is logged and ignored: a callback never
 * breaks a request.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe and
 * fast (they run on the request path).
 */
public abstract class GatewayListener {
  /** A listener that ignores everything. */
  public static final GatewayListener NONE = new GatewayListener() {
    @Override
    public String toString() {
      return "GatewayListener.NONE";
    }
  };

  protected GatewayListener() {}

  /**
   * One listener that tells each of {@code listeners}, in order (metrics and traces together, say). Each is
   * guarded on its own: one that throws is logged and ignored, and the others are still told.
   */
  public static GatewayListener compose(GatewayListener... listeners) {
    List<GatewayListener> all = new ArrayList<>(listeners.length);
    for (GatewayListener l : listeners) {
      if (Objects.requireNonNull(l, "listener") != NONE) {
        all.add(l);
      }
    }
    return all.isEmpty() ? NONE : all.size() == 1 ? all.get(0) : new Composite(all);
  }

  /** A plan was made. */
  public void planned(RoutePlan plan) {}

  /** A request was refused before any upstream call (bad key, scope, body, credits, ...). */
  public void rejected(String requestId, GatewayException error) {}

  /**
   * The same event with the API surface the request was made on. The gateway calls this form; by default
   * it calls {@link #rejected(String, GatewayException)}, so a listener overrides whichever it needs.
   */
  public void rejected(String requestId, Surface surface, GatewayException error) {
    rejected(requestId, error);
  }

  /** An upstream attempt ended with a verdict. */
  public void attempt(RoutePlan plan, AttemptRecord attempt) {}

  /**
   * A request finished: its response was returned, its stream ended or broke, or failover ran out. For
   * a stream this comes when the stream ends.
   */
  public void completed(RequestRecord request) {}

  /** The listener of {@link #compose}. */
  private static final class Composite extends GatewayListener {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayListener.class);
    private final List<GatewayListener> listeners;

    Composite(List<GatewayListener> listeners) {
      this.listeners = List.copyOf(listeners);
    }

    private void each(String event, Consumer<GatewayListener> call) {
      for (GatewayListener l : listeners) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          LOG.warn("GatewayListener.{} of {} threw; ignored", event, l.getClass().getName(), e);
        }
      }
    }

    @Override
    public void planned(RoutePlan plan) {
      each("planned", l -> l.planned(plan));
    }

    @Override
    public void rejected(String requestId, GatewayException error) {
      each("rejected", l -> l.rejected(requestId, error));
    }

    @Override
    public void rejected(String requestId, Surface surface, GatewayException error) {
      each("rejected", l -> l.rejected(requestId, surface, error));
    }

    @Override
    public void attempt(RoutePlan plan, AttemptRecord attempt) {
      each("attempt", l -> l.attempt(plan, attempt));
    }

    @Override
    public void completed(RequestRecord request) {
      each("completed", l -> l.completed(request));
    }

    @Override
    public String toString() {
      return "GatewayListener.compose" + listeners;
    }
  }
}
