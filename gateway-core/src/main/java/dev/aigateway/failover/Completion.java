package dev.aigateway.failover;

/** How an attempt ended (the reference's {@code completion}). */
public enum Completion {
  /** The provider answered 2xx; for a stream, its end arrived. */
  SUCCEEDED("succeeded"),
  /** The provider answered an error status, or the connection failed. */
  FAILED("failed"),
  /** The attempt's timeout passed before the response. */
  TIMED_OUT("timed_out"),
  /** A served stream broke after its first byte. */
  STREAM_FAILED("stream_failed");

  private final String json;

  Completion(String json) {
    this.json = json;
  }

  /** The wire spelling: {@code timed_out}, ... */
  public String json() {
    return json;
  }
}
