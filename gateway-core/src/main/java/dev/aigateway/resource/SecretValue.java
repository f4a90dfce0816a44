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
   * Display form: at most the first 6 characters, {@code ***}, then at most the last 4, never more than
   * a quarter of the secret in all (so no 8-character piece of a secret is ever shown, and short secrets
   * show nothing): {@code sk-pro***9f2a}.
   */
  public String redacted() {
    int n = value.length();
    if (n < 16) {
      return "***";
    }
    int head = Math.min(6, n / 8);
    int tail = Math.min(4, n / 8);
    return value.substring(0, head) + "***" + value.substring(n - tail);
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue s && java.security.MessageDigest.isEqual(
        s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0;
  }
}
