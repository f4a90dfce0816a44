package dev.aigateway.spring;

import dev.aigateway.GatewayException;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.GatewayListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link GatewayListener} bean of the application, told each event in bean order. One that throws is
 * logged and skipped; the others are still told. Thread-safe when the listeners are.
 */
final class CompositeListener extends GatewayListener {
  private static final Logger LOG = LoggerFactory.getLogger(CompositeListener.class);
  private final List<GatewayListener> listeners;

  private CompositeListener(List<GatewayListener> listeners) {
    this.listeners = listeners;
  }

  /** {@link GatewayListener#NONE} for none, the listener itself for one, else one that tells each. */
  static GatewayListener of(List<GatewayListener> listeners) {
    if (listeners.isEmpty()) {
      return GatewayListener.NONE;
    }
    return listeners.size() == 1 ? listeners.get(0) : new CompositeListener(List.copyOf(listeners));
  }

  List<GatewayListener> listeners() {
    return listeners;
  }

  @Override
  public void planned(RoutePlan plan) {
    for (GatewayListener l : listeners) {
      try {
        l.planned(plan);
      } catch (RuntimeException e) {
        failed(l, "planned", e);
      }
    }
  }

  @Override
  public void rejected(String requestId, GatewayException error) {
    for (GatewayListener l : listeners) {
      try {
        l.rejected(requestId, error);
      } catch (RuntimeException e) {
        failed(l, "rejected", e);
      }
    }
  }

  @Override
  public void attempt(RoutePlan plan, AttemptRecord attempt) {
    for (GatewayListener l : listeners) {
      try {
        l.attempt(plan, attempt);
      } catch (RuntimeException e) {
        failed(l, "attempt", e);
      }
    }
  }

  @Override
  public void completed(RequestRecord request) {
    for (GatewayListener l : listeners) {
      try {
        l.completed(request);
      } catch (RuntimeException e) {
        failed(l, "completed", e);
      }
    }
  }

  private static void failed(GatewayListener listener, String event, RuntimeException e) {
    LOG.warn("gateway listener {} failed on {}; ignored", listener.getClass().getName(), event, e);
  }

  @Override
  public String toString() {
    return "CompositeListener" + listeners;
  }
}
