package dev.aigateway.spi;

import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;

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
}
