package dev.aigateway;

import dev.aigateway.routing.RejectedCandidate;

import java.util.List;
import java.util.Map;

/**
 * A request refused before any upstream call: a bad access key, a bad body, no credits, or no candidate
 * that can be tried (every one out of scope, unknown, on the wrong surface or without credentials). In
 * the last case the code is that of the first rejected candidate, or {@code no_credentials} when a
 * candidate was allowed but nothing could serve it, and {@link #rejected()} lists them all.
 */
public final class RequestRejectedException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final String requestId;
  private final transient List<RejectedCandidate> rejected;

  public RequestRejectedException(ErrorCode code, String message, String requestId, List<RejectedCandidate> rejected) {
    super(code, message, Map.of("requestId", requestId), null);
    this.requestId = requestId;
    this.rejected = List.copyOf(rejected);
  }

  public String requestId() {
    return requestId;
  }

  public List<RejectedCandidate> rejected() {
    return rejected;
  }
}
