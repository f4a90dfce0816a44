package dev.aigateway.admin;

import dev.aigateway.resource.AccessKey;

/**
 * The result of creating an access key: the key, and its token, which is shown this once and never
 * again. {@link #toString()} does not print the token.
 */
public final class CreatedAccessKey {
  private final AccessKey key;
  private final String token;

  public CreatedAccessKey(AccessKey key, String token) {
    this.key = key;
    this.token = token;
  }

  public AccessKey key() {
    return key;
  }

  /** The access token ({@code ng-...}). Hand it to the client; it cannot be read again. */
  public String token() {
    return token;
  }

  @Override
  public String toString() {
    return "CreatedAccessKey[" + key + "]";
  }
}
