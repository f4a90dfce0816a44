package dev.aigateway.admin;

import dev.aigateway.resource.AdminKey;
import java.util.Objects;

/**
 * The result of creating an admin API key: the key, and its token, which is shown this once and never again.
 * {@link #toString()} does not print the token.
 */
public final class CreatedAdminKey {
  private final AdminKey key;
  private final String token;

  public CreatedAdminKey(AdminKey key, String token) {
    this.key = Objects.requireNonNull(key, "key");
    this.token = Objects.requireNonNull(token, "token");
  }

  public AdminKey key() {
    return key;
  }

  /** The admin token ({@code aigak_...}) for {@code Authorization: Bearer}; it cannot be read again. */
  public String token() {
    return token;
  }

  @Override
  public String toString() {
    return "CreatedAdminKey[" + key + "]";
  }
}
