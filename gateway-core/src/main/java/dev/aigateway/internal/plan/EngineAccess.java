package dev.aigateway.internal.plan;

import dev.aigateway.GatewayRequest;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.routing.RoutePlan;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the engine reads of public value types without widening their API: a request's own body array
 * (no copy) and the body scan a plan carries. {@link GatewayRequest} and {@link RoutePlan} register these
 * in their static initializers; code that holds an instance has initialized its class, so the accessors
 * are always there (no reflection, no lookup by name). Not a published API.
 */
public final class EngineAccess {
  /** Reads a request's body without copying it. */
  public interface Requests {
    byte[] body(GatewayRequest request);
  }

  /** Builds plans that carry their body scan, and reads it back. */
  public interface Plans {
    RoutePlan build(RoutePlan.Builder builder, BodyScanner.Result scan);

    BodyScanner.Result scan(RoutePlan plan);
  }

  private static volatile @Nullable Requests requests;
  private static volatile @Nullable Plans plans;

  private EngineAccess() {}

  public static void register(Requests r) {
    requests = Objects.requireNonNull(r, "r");
  }

  public static void register(Plans p) {
    plans = Objects.requireNonNull(p, "p");
  }

  /** The request accessor; callers hold a request, so its class has registered it. */
  public static Requests requests() {
    return Objects.requireNonNull(requests, "GatewayRequest registers the request accessor");
  }

  /** The plan accessor; callers have called {@code RoutePlan.builder()} or hold a plan. */
  public static Plans plans() {
    return Objects.requireNonNull(plans, "RoutePlan registers the plan accessor");
  }
}
