package dev.aigateway.config;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A configuration or management request body broke a rule. {@link #path()} is the JSON path of the
 * offending value ({@code router.rules[0].steps[1].keys}); the message reads
 * {@code <path>: <rule>}.
 */
public final class ConfigurationException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  public ConfigurationException(String path, String rule) {
    this(path, rule, null);
  }

  public ConfigurationException(String path, String rule, @Nullable Throwable cause) {
    super(ErrorCode.INVALID_CONFIGURATION, path.isEmpty() ? rule : path + ": " + rule,
        Map.of("path", path), cause);
    this.path = path;
    this.rule = rule;
  }

  /** The JSON path of the bad value; empty for the document itself. */
  public String path() {
    return path;
  }

  /** The rule that was broken, without the path. */
  public String rule() {
    return rule;
  }
}
