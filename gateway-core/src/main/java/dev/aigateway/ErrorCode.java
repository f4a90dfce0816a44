package dev.aigateway;

/** The stable error codes of the gateway and the HTTP status each answers with. */
public enum ErrorCode {
  INVALID_ACCESS_KEY("invalid_access_key", 401, "authentication_error"),
  INVALID_REQUEST_BODY("invalid_request_body", 400, "invalid_request_error"),
  NO_CREDENTIALS("no_credentials", 400, "invalid_request_error"),
  PROVIDER_NOT_ALLOWED("provider_not_allowed", 403, "permission_error"),
  MODEL_NOT_ALLOWED("model_not_allowed", 403, "permission_error"),
  MODEL_NOT_FOUND("model_not_found", 404, "not_found_error"),
  PROVIDER_NOT_FOUND("provider_not_found", 404, "not_found_error"),
  UNSUPPORTED_SURFACE("unsupported_surface", 404, "not_found_error"),
  REQUEST_TOO_LARGE("request_too_large", 413, "request_too_large"),
  INSUFFICIENT_CREDITS("insufficient_credits", 403, "permission_error"),
  RATE_LIMITED("rate_limited", 429, "rate_limit_error"),
  ALL_PROVIDERS_FAILED("all_providers_failed", 503, "api_error"),
  GATEWAY_TIMEOUT("gateway_timeout", 504, "timeout_error"),
  /** The access key's own {@code requestsPerMinute}, {@code tokensPerMinute} or {@code concurrentRequests} is spent. */
  ACCESS_KEY_RATE_LIMITED("access_key_rate_limited", 429, "rate_limit_error"),
  /** The access key's {@code budget} for the current period is spent. */
  ACCESS_KEY_BUDGET_EXCEEDED("access_key_budget_exceeded", 403, "permission_error"),
  /** Shared limit counters cannot be reached and their policy is to refuse (fail closed). */
  LIMITS_UNAVAILABLE("limits_unavailable", 503, "api_error"),

  /** Management: a request body or configuration broke a rule; the message names the JSON path. */
  INVALID_CONFIGURATION("invalid_configuration", 400, "invalid_request_error"),
  /** Management: no resource with that id. */
  NOT_FOUND("not_found", 404, "not_found_error"),
  /** Management: the resource is still referenced, or a name is taken. */
  CONFLICT("conflict", 409, "invalid_request_error");

  private final String code;
  private final int status;
  private final String type;

  ErrorCode(String code, int status, String type) {
    this.code = code;
    this.status = status;
    this.type = type;
  }

  /** The code as it appears in error bodies, such as {@code model_not_allowed}. */
  public String code() {
    return code;
  }

  /** The HTTP status of an error with this code. */
  public int status() {
    return status;
  }

  /** The OpenAI-style error {@code type} for this code. */
  public String type() {
    return type;
  }
}
