package dev.aigateway.resource;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A provider key ({@code aigpk_}): an upstream credential for one provider. The value is write-only:
 * it is held as a {@link SecretValue} and shown only as {@link #keyRedacted()}.
 */
public final class ProviderKey extends StoredKey {
  private final String providerId;
  private final String name;
  private final @Nullable SecretValue value;

  private ProviderKey(Builder b) {
    super(b);
    this.providerId = Objects.requireNonNull(b.providerId, "providerId");
    this.name = Objects.requireNonNull(b.name, "name");
    this.value = b.value;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = copyKeyInto(new Builder());
    b.providerId = providerId;
    b.name = name;
    b.value = value;
    return b;
  }

  public String providerId() {
    return providerId;
  }

  public String name() {
    return name;
  }

  /**
   * The secret, or null when this store keeps values elsewhere (a {@code CredentialResolver} then
   * supplies them).
   */
  public @Nullable SecretValue value() {
    return value;
  }

  @Override
  public String toString() {
    return "ProviderKey[id=" + id() + ", provider=" + providerId + ", name=" + name + ", key=" + keyRedacted() + "]";
  }

  public static final class Builder extends StoredKey.Builder<Builder> {
    private @Nullable String providerId;
    private @Nullable String name;
    private @Nullable SecretValue value;

    private Builder() {}

    @Override
    Builder self() {
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

    /** Sets the secret; the redacted form is derived from it. */
    public Builder value(@Nullable SecretValue value) {
      this.value = value;
      if (value != null) {
        this.keyRedacted = value.redacted();
      }
      return this;
    }

    public ProviderKey build() {
      if (id == null || providerId == null || name == null || createdAt == null) {
        throw new IllegalStateException("id, providerId, name and createdAt are required");
      }
      if (keyRedacted == null) {
        keyRedacted = "***";
      }
      defaultUpdatedAt();
      return new ProviderKey(this);
    }
  }
}
