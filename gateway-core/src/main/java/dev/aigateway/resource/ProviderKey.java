package dev.aigateway.resource;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A provider key ({@code aigpk_}): an upstream credential for one provider. The value is write-only:
 * it is held as a {@link SecretValue} and shown only as {@link #keyRedacted()}.
 */
public final class ProviderKey {
  private final String id;
  private final String providerId;
  private final String name;
  private final @Nullable String description;
  private final @Nullable String metadata;
  private final @Nullable SecretValue value;
  private final String keyRedacted;
  private final Instant createdAt;
  private final Instant updatedAt;
  private final @Nullable Instant lastUsed;

  private ProviderKey(Builder b) {
    this.id = Objects.requireNonNull(b.id, "id");
    this.providerId = Objects.requireNonNull(b.providerId, "providerId");
    this.name = Objects.requireNonNull(b.name, "name");
    this.description = b.description;
    this.metadata = b.metadata;
    this.value = b.value;
    this.keyRedacted = Objects.requireNonNull(b.keyRedacted, "keyRedacted");
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
    b.providerId = providerId;
    b.name = name;
    b.description = description;
    b.metadata = metadata;
    b.value = value;
    b.keyRedacted = keyRedacted;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    b.lastUsed = lastUsed;
    return b;
  }

  public String id() {
    return id;
  }

  public String providerId() {
    return providerId;
  }

  public String name() {
    return name;
  }

  public @Nullable String description() {
    return description;
  }

  public @Nullable String metadata() {
    return metadata;
  }

  /**
   * The secret, or null when this store keeps values elsewhere (a {@code CredentialResolver} then
   * supplies them).
   */
  public @Nullable SecretValue value() {
    return value;
  }

  public String keyRedacted() {
    return keyRedacted;
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
    return "ProviderKey[id=" + id + ", provider=" + providerId + ", name=" + name + ", key=" + keyRedacted + "]";
  }

  public static final class Builder {
    private @Nullable String id;
    private @Nullable String providerId;
    private @Nullable String name;
    private @Nullable String description;
    private @Nullable String metadata;
    private @Nullable SecretValue value;
    private @Nullable String keyRedacted;
    private @Nullable Instant createdAt;
    private @Nullable Instant updatedAt;
    private @Nullable Instant lastUsed;

    private Builder() {}

    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    public Builder providerId(String providerId) {
      this.providerId = Objects.requireNonNull(providerId, "providerId");
      return this;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
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

    /** Sets the secret; the redacted form is derived from it. */
    public Builder value(@Nullable SecretValue value) {
      this.value = value;
      if (value != null) {
        this.keyRedacted = value.redacted();
      }
      return this;
    }

    public Builder keyRedacted(String keyRedacted) {
      this.keyRedacted = Objects.requireNonNull(keyRedacted, "keyRedacted");
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

    public ProviderKey build() {
      if (id == null || providerId == null || name == null || createdAt == null) {
        throw new IllegalStateException("id, providerId, name and createdAt are required");
      }
      if (keyRedacted == null) {
        keyRedacted = "***";
      }
      if (updatedAt == null) {
        updatedAt = createdAt;
      }
      return new ProviderKey(this);
    }
  }
}
