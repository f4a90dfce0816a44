package dev.aigateway;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception the gateway throws at its users. Each carries a stable {@link ErrorCode}
 * (and so an HTTP status) and context by id: a rule index, a provider key id, a JSON path. Never a
 * secret: messages are built from ids and names only.
 */
public class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, String> details;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, Map.of(), null);
  }

  public GatewayException(ErrorCode code, String message, Map<String, String> details,
      @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.code = Objects.requireNonNull(code, "code");
    this.details = Map.copyOf(details);
  }

  /** Never null: every constructor requires a message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage(), "message");
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return code.status();
  }

  /** Extra context as strings (ids, JSON paths); never secrets. */
  public Map<String, String> details() {
    return details;
  }
}
