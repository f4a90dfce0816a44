package dev.aigateway.internal.attempt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.internal.usage.UsageRecorder;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.GatewayListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine reports what happened: the host's {@link GatewayListener}, guarded so that a
 * callback that throws is logged and ignored (it never breaks a request), and the log of recent requests
 * behind {@code Gateway.request(id)}, and the usage log (a request's attempts once it has ended). The one
 * place listener calls are guarded.
 */
public final class RequestEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RequestEvents.class);

  private final GatewayListener listener;
  private final boolean silent;
  private final Cache<String, RequestRecord> recent;
  private final UsageRecorder usage;

  public RequestEvents(GatewayListener listener, long recentRequests, UsageRecorder usage) {
    this.listener = listener;
    this.usage = usage;
    this.silent = listener == GatewayListener.NONE;
    // maintenance on the calling thread: the default (the common pool) wakes a thread on every write,
    // a context switch per request on a small machine
    this.recent = Caffeine.newBuilder().maximumSize(recentRequests).executor(Runnable::run).build();
  }

  public void planned(RoutePlan plan) {
    if (!silent) {
      guard("planned", () -> listener.planned(plan));
    }
  }

  public void rejected(String requestId, Surface surface, GatewayException error) {
    if (!silent) {
      guard("rejected", () -> listener.rejected(requestId, surface, error));
    }
  }

  public void attempt(RoutePlan plan, AttemptRecord attempt) {
    if (!silent) {
      guard("attempt", () -> listener.attempt(plan, attempt));
    }
  }

  /**
   * Remembers the request; once it has a final status (0: a stream still running) records its usage and
   * tells the listener.
   */
  public void record(RequestRecord request) {
    recent.put(request.requestId(), request);
    if (request.status() != 0) {
      usage.completed(request);
      if (!silent) {
        guard("completed", () -> listener.completed(request));
      }
    }
  }

  /** A recent request, or null. */
  public @Nullable RequestRecord recent(String requestId) {
    return recent.getIfPresent(requestId);
  }

  private static void guard(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("GatewayListener.{} threw; ignored", event, e);
    }
  }
}
