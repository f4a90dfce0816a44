package dev.aigateway;

import java.io.IOException;

/**
 * A streamed response broke after its first byte reached the client: the provider disconnected or failed
 * mid-stream. Thrown by the body of a streaming {@link GatewayResponse} instead of a clean end of stream,
 * so a truncated answer is never mistaken for a complete one.
 */
public final class IncompleteStreamException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String requestId;

  public IncompleteStreamException(String requestId, String message, Throwable cause) {
    super(message, cause);
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }
}
