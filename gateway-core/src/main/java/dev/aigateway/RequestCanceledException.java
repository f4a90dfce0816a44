package dev.aigateway;

/**
 * The request was stopped through its {@link Cancellation} before a response was returned. No error goes
 * to a client (it is the one that went away); the request is recorded with the error code
 * {@code client_closed}.
 */
public final class RequestCanceledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String requestId;

  public RequestCanceledException(String requestId) {
    super("Request " + requestId + " was cancelled by its caller.");
    this.requestId = requestId;
  }

  public String requestId() {
    return requestId;
  }
}
