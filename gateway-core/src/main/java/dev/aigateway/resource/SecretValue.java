package dev.aigateway.resource;

import java.util.Objects;

/**
 * An upstream secret (a provider key value). It never prints: {@link #toString()} is {@code ***}, and
 * only {@link #reveal()} gives the value, for the one place that injects it into an upstream request.
 */
public final class SecretValue {
  private final String value;

  private SecretValue(String value) {
    this.value = value;
  }

  public static SecretValue of(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("a secret value must not be empty");
    }
    return new SecretValue(value);
  }

  /** The secret itself. Callers must never log it. */
  public String reveal() {
    return value;
  }

  /**
   * Display form: the first characters, {@code ***}, then the last 4 (at most a third of the secret
   * shown, so short secrets show less).
   */
  public String redacted() {
    int n = value.length();
    if (n < 12) {
      return "***";
    }
    int head = Math.min(10, n / 3 - 4 > 0 ? n / 3 - 4 : 0);
    int tail = Math.min(4, n / 6);
    return value.substring(0, head) + "***" + value.substring(n - tail);
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue && java.security.MessageDigest.isEqual(
        ((SecretValue) o).value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0;
  }
}
