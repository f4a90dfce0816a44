package dev.aigateway.internal.http;

import dev.aigateway.GatewayException;
import dev.aigateway.Surface;

/** Kept for the modules that still import it; the public {@link dev.aigateway.http.ErrorBodies} is the one. */
public final class ErrorBodies {
  private ErrorBodies() {}

  public static byte[] json(Surface.Format format, String requestId, GatewayException e) {
    return dev.aigateway.http.ErrorBodies.json(format, requestId, e);
  }
}
