package dev.aigateway.resource;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An access key ({@code aigk_}) as stored: its display fields, optional configuration link, and the
 * digest of its token's secret. The token itself is never stored and is shown only once, by create.
 */
public final class AccessKey {
  private final String id;
  private final @Nullable String name;
  private final @Nullable String description;
  private final @Nullable String metadata;
  private final @Nullable String configurationId;
  private final String keyRedacted;
  private final byte[] secretDigest;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final @Nullable Instant lastUsed;

  private AccessKey(Builder b) {
    this.id = Objects.requireNonNull(b.id, "id");
    this.name = b.name;
    this.description = b.description;
    this.metadata = b.metadata;
    this.configurationId = b.configurationId;
    this.keyRedacted = Objects.requireNonNull(b.keyRedacted, "keyRedacted");
    this.secretDigest = Objects.requireNonNull(b.secretDigest, "secretDigest").clone();
    this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
    this.updatedAt = Objects.requireNonNull(b.updatedAt, "updatedAt");
    this.lastUsed = b.lastUsed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.name = name;
    b.description = description;
    b.metadata = metadata;
    b.configurationId = configurationId;
    b.keyRedacted = keyRedacted;
    b.secretDigest = secretDigest;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    b.lastUsed = lastUsed;
    return b;
  }

  public String id() {
    return id;
  }

  public @Nullable String name() {
    return name;
  }

  public @Nullable String description() {
    return description;
  }

  public @Nullable String metadata() {
    return metadata;
  }

  /** The linked configuration's id, or null for allow-all scope and default routing. */
  public @Nullable String configurationId() {
    return configurationId;
  }

  public String keyRedacted() {
    return keyRedacted;
  }

  /** The digest of the token's secret (SHA-256 or HMAC-SHA-256); a copy. */
  public byte[] secretDigest() {
    return secretDigest.clone();
  }

  /** Constant-time comparison of a candidate digest with this key's ({@link java.security.MessageDigest#isEqual}). */
  public boolean digestMatches(byte[] candidate) {
    return java.security.MessageDigest.isEqual(secretDigest, candidate);
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public @Nullable Instant lastUsed() {
    return lastUsed;
  }

  @Override
  public String toString() {
    return "AccessKey[id=" + id + ", name=" + name + ", configuration=" + configurationId + ", key=" + keyRedacted + "]";
  }

  public static final class Builder {
    private @Nullable String id;
    private @Nullable String name;
    private @Nullable String description;
    private @Nullable String metadata;
    private @Nullable String configurationId;
    private @Nullable String keyRedacted;
    private byte @Nullable [] secretDigest;
    private @Nullable Instant createdAt;
    private @Nullable Instant updatedAt;
    private @Nullable Instant lastUsed;

    private Builder() {}

    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = name;
      return this;
    }

    public Builder description(@Nullable String description) {
      this.description = description;
      return this;
    }

    public Builder metadata(@Nullable String metadata) {
      this.metadata = metadata;
      return this;
    }

    public Builder configurationId(@Nullable String configurationId) {
      this.configurationId = configurationId;
      return this;
    }

    public Builder keyRedacted(String keyRedacted) {
      this.keyRedacted = Objects.requireNonNull(keyRedacted, "keyRedacted");
      return this;
    }

    public Builder secretDigest(byte[] secretDigest) {
      this.secretDigest = Objects.requireNonNull(secretDigest, "secretDigest").clone();
      return this;
    }

    public Builder createdAt(Instant createdAt) {
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
      return this;
    }

    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
      return this;
    }

    public Builder lastUsed(@Nullable Instant lastUsed) {
      this.lastUsed = lastUsed;
      return this;
    }

    public AccessKey build() {
      if (id == null || keyRedacted == null || secretDigest == null || createdAt == null) {
        throw new IllegalStateException("id, keyRedacted, secretDigest and createdAt are required");
      }
      if (secretDigest.length != 32) {
        throw new IllegalStateException("secretDigest must be 32 bytes but was " + secretDigest.length);
      }
      if (updatedAt == null) {
        updatedAt = createdAt;
      }
      return new AccessKey(this);
    }
  }
}
