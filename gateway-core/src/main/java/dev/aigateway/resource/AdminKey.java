package dev.aigateway.resource;

import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An admin API key ({@code aigak_}) as stored: its display fields and the SHA-256 digest of its whole token.
 * The token authorizes the management API; it is never stored and is shown only once, by create. Unlike an
 * access key it has no configuration link.
 */
public final class AdminKey extends StoredKey {
  private final @Nullable String name;
  private final byte[] tokenDigest;

  private AdminKey(Builder b) {
    super(b);
    this.name = b.name;
    this.tokenDigest = Objects.requireNonNull(b.tokenDigest, "tokenDigest").clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = copyKeyInto(new Builder());
    b.name = name;
    b.tokenDigest = tokenDigest;
    return b;
  }

  public @Nullable String name() {
    return name;
  }

  /** The SHA-256 digest of the whole token; a copy. */
  public byte[] tokenDigest() {
    return tokenDigest.clone();
  }

  /** Constant-time comparison of a candidate digest with this key's ({@link MessageDigest#isEqual}). */
  public boolean digestMatches(byte[] candidate) {
    return MessageDigest.isEqual(tokenDigest, candidate);
  }

  @Override
  public String toString() {
    return "AdminKey[id=" + id() + ", name=" + name + ", key=" + keyRedacted() + "]";
  }

  public static final class Builder extends StoredKey.Builder<Builder> {
    private @Nullable String name;
    private byte @Nullable [] tokenDigest;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder tokenDigest(byte[] tokenDigest) {
      this.tokenDigest = Objects.requireNonNull(tokenDigest, "tokenDigest").clone();
      return this;
    }

    public AdminKey build() {
      if (id == null || keyRedacted == null || tokenDigest == null || createdAt == null) {
        throw new IllegalStateException("id, keyRedacted, tokenDigest and createdAt are required");
      }
      if (tokenDigest.length != 32) {
        throw new IllegalStateException("tokenDigest must be 32 bytes but was " + tokenDigest.length);
      }
      defaultUpdatedAt();
      return new AdminKey(this);
    }
  }
}
