package dev.aigateway.internal.plan;

import dev.aigateway.GatewayRequest;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.RejectedCandidate;
import dev.aigateway.routing.RoutePlan;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the engine reads of public value types without widening their API: a request's own body array
 * (no copy), and plans made with the body scan they carry. {@link GatewayRequest} and {@link RoutePlan}
 * register these in their static initializers; an accessor asked for before its class was used initializes
 * that class through an ordinary call (no reflection, no lookup by name). Not a published API.
 */
public final class EngineAccess {
  /** Reads a request's body without copying it. */
  public interface Requests {
    byte[] body(GatewayRequest request);
  }

  /** Makes plans that carry their body scan, and reads it back. */
  public interface Plans {
    RoutePlan create(String requestId, GatewayRequest request, String accessKeyId, @Nullable String accessKeyName,
        @Nullable String configurationId, @Nullable String configurationName, List<Candidate> candidates,
        List<RejectedCandidate> rejected, BodyScanner.Result scan);

    BodyScanner.Result scan(RoutePlan plan);
  }

  /** Tells a request's cancellation what to stop now. */
  public interface Cancellations {
    /** Binds {@code action}; false (and not bound) when the request is already cancelled. */
    boolean bind(dev.aigateway.Cancellation cancellation, Runnable action);
  }

  private static volatile @Nullable Requests requests;
  private static volatile @Nullable Cancellations cancellations;
  private static volatile @Nullable Plans plans;

  private EngineAccess() {}

  public static void register(Requests r) {
    requests = Objects.requireNonNull(r, "r");
  }

  public static void register(Cancellations c) {
    cancellations = Objects.requireNonNull(c, "c");
  }

  /** The cancellation binder; initializes {@code Cancellation} the first time, if nothing has yet. */
  public static Cancellations cancellations() {
    Cancellations c = cancellations;
    if (c == null) {
      dev.aigateway.Cancellation.create(); // initializes Cancellation, whose static initializer registers it
      c = Objects.requireNonNull(cancellations, "Cancellation registers the binder");
    }
    return c;
  }

  public static void register(Plans p) {
    plans = Objects.requireNonNull(p, "p");
  }

  /** The request accessor; callers hold a request, so its class has normally registered it already. */
  public static Requests requests() {
    Requests r = requests;
    if (r == null) {
      GatewayRequest.builder(); // initializes GatewayRequest, whose static initializer registers it
      r = Objects.requireNonNull(requests, "GatewayRequest registers the request accessor");
    }
    return r;
  }

  /** The plan accessor; initializes {@code RoutePlan} the first time, if nothing has yet. */
  public static Plans plans() {
    Plans p = plans;
    if (p == null) {
      RoutePlan.builder(); // initializes RoutePlan, whose static initializer registers it
      p = Objects.requireNonNull(plans, "RoutePlan registers the plan accessor");
    }
    return p;
  }
}
