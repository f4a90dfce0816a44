package dev.aigateway.spi;

import java.io.IOException;

/** One prepared upstream call. Executed at most once; cancellable from another thread. */
public interface UpstreamCall {
  /**
   * Sends the request and waits for the response headers.
   *
   * @throws UpstreamTimeoutException when the request's timeout passed before the headers arrived
   * @throws IOException when the provider could not be reached or the connection broke
   */
  UpstreamResponse execute() throws IOException;

  /** Cancels the call: a blocked {@link #execute()} or body read fails promptly. Idempotent. */
  void cancel();
}
