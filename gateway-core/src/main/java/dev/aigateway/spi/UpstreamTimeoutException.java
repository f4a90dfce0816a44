package dev.aigateway.spi;

import java.io.InterruptedIOException;

/** An attempt's timeout passed before the provider answered (or, for a buffered body, finished). */
public final class UpstreamTimeoutException extends InterruptedIOException {
  private static final long serialVersionUID = 1L;

  public UpstreamTimeoutException(String message) {
    super(message);
  }
}
