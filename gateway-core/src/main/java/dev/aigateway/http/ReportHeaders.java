package dev.aigateway.http;

import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.GatewayException;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.routing.RejectedCandidate;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The headers every gateway response carries, for each adapter (HTTP handler, OkHttp interceptor):
 * {@code <prefix>Request-Id}, {@code Attempts}, {@code Model}, {@code Provider}, {@code Rejected-Models},
 * {@code Retry-After} on {@code rate_limited} and {@code access_key_rate_limited}, and {@code x-should-retry: false} on the errors that end a
 * request after failover ({@code rate_limited}, {@code all_providers_failed}, {@code gateway_timeout}).
 * Hosts pass a setter of their own header type ({@code response::setHeader}). Stateless and thread-safe.
 */
public final class ReportHeaders {
  /** The default prefix of the report headers, {@value}. */
  public static final String DEFAULT_PREFIX = "AIG-";

  /** Longest {@code Rejected-Models} value; longer lists end in {@code , ...}. */
  static final int MAX_REJECTED_CHARS = 1024;

  private ReportHeaders() {}

  /**
   * Passes the report headers of a served response to {@code set}: {@code <prefix>Request-Id}, {@code
   * <prefix>Attempts}, and when known {@code <prefix>Model}, {@code <prefix>Provider}, {@code
   * <prefix>Rejected-Models} (printable ASCII, at most 1 KiB).
   */
  public static void write(String prefix, String requestId, int attempts, @Nullable String model,
      @Nullable String provider, @Nullable List<RejectedCandidate> rejected, BiConsumer<String, String> set) {
    set.accept(prefix + "Request-Id", requestId);
    set.accept(prefix + "Attempts", String.valueOf(attempts));
    if (model != null) {
      set.accept(prefix + "Model", model);
    }
    if (provider != null) {
      set.accept(prefix + "Provider", provider);
    }
    if (rejected != null && !rejected.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (RejectedCandidate r : rejected) {
        String name = r.requested().replaceAll("[^\\x20-\\x7e]|,", "?");
        if (sb.length() + 2 + name.length() > MAX_REJECTED_CHARS - 5) {
          sb.append(sb.length() > 0 ? ", ..." : "...");
          break;
        }
        if (sb.length() > 0) {
          sb.append(", ");
        }
        sb.append(name);
      }
      set.accept(prefix + "Rejected-Models", sb.toString());
    }
  }

  /**
   * The headers of an error response: the report (with the failed attempts' count, and the model and
   * provider of the last attempt when one was made) and Retry-After.
   */
  public static void writeError(String prefix, String requestId, GatewayException e,
      @Nullable List<RejectedCandidate> rejected, BiConsumer<String, String> set) {
    List<AttemptRecord> attempts = e instanceof FailoverExhaustedException exhausted
        ? exhausted.attempts() : List.of();
    AttemptRecord last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    write(prefix, requestId, attempts.size(), last == null ? null : last.model(),
        last == null ? null : last.provider(), rejected, set);
    if (e instanceof FailoverExhaustedException) {
      // the gateway is the retry layer: a client SDK that retries this answer multiplies upstream traffic
      set.accept("x-should-retry", "false");
    }
    java.time.Duration retryAfter = e instanceof FailoverExhaustedException exhausted ? exhausted.retryAfter()
        : e instanceof dev.aigateway.RequestRejectedException refused ? refused.retryAfter() : null;
    if (retryAfter != null) {
      long seconds = retryAfter.getSeconds() + (retryAfter.getNano() > 0 ? 1 : 0);
      set.accept("Retry-After", String.valueOf(Math.max(1, seconds)));
    }
  }
}
