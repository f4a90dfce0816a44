package dev.aigateway.failover;

/** What the gateway did after an attempt (the reference's {@code retryAction}). */
public enum RetryAction {
  /** This attempt served the response. */
  SUCCEEDED("succeeded"),
  /** The credential failed: the next key of the step, then the next step, then the next candidate. */
  NEXT_KEY("next_key"),
  /** The provider or model failed: the candidate's remaining keys are skipped; the next candidate. */
  NEXT_BACKEND("next_backend"),
  /** Every key was cooling and the shortest wait fitted: the gateway waited once and retried. */
  RETRY_SAME_BACKEND("retry_same_backend"),
  /** Not retryable (the provider rejected the request itself): the response goes to the client. */
  FAIL_FAST("fail_fast"),
  /** No attempt remained (deadline, attempt budget). */
  EXHAUSTED("exhausted");

  private final String json;

  RetryAction(String json) {
    this.json = json;
  }

  /** The wire spelling: {@code next_key}, ... */
  public String json() {
    return json;
  }
}
