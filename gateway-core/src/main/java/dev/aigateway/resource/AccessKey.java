package dev.aigateway.resource;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An access key ({@code aigk_}) as stored: its display fields, optional configuration link, and the
 * digest of its token's secret. The token itself is never stored and is shown only once, by create.
 */
public final class AccessKey extends StoredKey {
  private final @Nullable String name;
  private final @Nullable String configurationId;
  private final byte[] secretDigest;

  private AccessKey(Builder b) {
    super(b);
    this.name = b.name;
    this.configurationId = b.configurationId;
    this.secretDigest = Objects.requireNonNull(b.secretDigest, "secretDigest").clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = copyKeyInto(new Builder());
    b.name = name;
    b.configurationId = configurationId;
    b.secretDigest = secretDigest;
    return b;
  }

  public @Nullable String name() {
    return name;
  }

  /** The linked configuration's id, or null for allow-all scope and default routing. */
  public @Nullable String configurationId() {
    return configurationId;
  }

  /** The digest of the token's secret (SHA-256 or HMAC-SHA-256); a copy. */
  public byte[] secretDigest() {
    return secretDigest.clone();
  }

  /** Constant-time comparison of a candidate digest with this key's ({@link java.security.MessageDigest#isEqual}). */
  public boolean digestMatches(byte[] candidate) {
    return java.security.MessageDigest.isEqual(secretDigest, candidate);
  }

  @Override
  public String toString() {
    return "AccessKey[id=" + id() + ", name=" + name + ", configuration=" + configurationId + ", key=" + keyRedacted() + "]";
  }

  public static final class Builder extends StoredKey.Builder<Builder> {
    private @Nullable String name;
    private @Nullable String configurationId;
    private byte @Nullable [] secretDigest;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder configurationId(@Nullable String configurationId) {
      this.configurationId = configurationId;
      return this;
    }

    public Builder secretDigest(byte[] secretDigest) {
      this.secretDigest = Objects.requireNonNull(secretDigest, "secretDigest").clone();
      return this;
    }

    public AccessKey build() {
      if (id == null || keyRedacted == null || secretDigest == null || createdAt == null) {
        throw new IllegalStateException("id, keyRedacted, secretDigest and createdAt are required");
      }
      if (secretDigest.length != 32) {
        throw new IllegalStateException("secretDigest must be 32 bytes but was " + secretDigest.length);
      }
      defaultUpdatedAt();
      return new AccessKey(this);
    }
  }
}
