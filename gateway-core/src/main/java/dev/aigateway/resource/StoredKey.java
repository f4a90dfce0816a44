package dev.aigateway.resource;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What access keys and provider keys share beyond {@link StoredResource}: description, metadata, the
 * redacted key shown in place of the secret, and when the key was last used. Package-private: callers
 * see these members only through the public key types. {@code name} stays with each type, as it is
 * optional on an access key and required on a provider key.
 */
abstract class StoredKey extends StoredResource {
  private final @Nullable String description;
  private final @Nullable String metadata;
  private final String keyRedacted;
  private final @Nullable Instant lastUsed;

  StoredKey(Builder<?> b) {
    super(b);
    this.description = b.description;
    this.metadata = b.metadata;
    this.keyRedacted = Objects.requireNonNull(b.keyRedacted, "keyRedacted");
    this.lastUsed = b.lastUsed;
  }

  public @Nullable String description() {
    return description;
  }

  public @Nullable String metadata() {
    return metadata;
  }

  public String keyRedacted() {
    return keyRedacted;
  }

  public @Nullable Instant lastUsed() {
    return lastUsed;
  }

  /** Copies this key's shared fields into a builder, for {@code toBuilder()}. */
  final <B extends Builder<B>> B copyKeyInto(B b) {
    copyInto(b);
    b.description = description;
    b.metadata = metadata;
    b.keyRedacted = keyRedacted;
    b.lastUsed = lastUsed;
    return b;
  }

  abstract static class Builder<B extends Builder<B>> extends StoredResource.Builder<B> {
    @Nullable String description;
    @Nullable String metadata;
    @Nullable String keyRedacted;
    @Nullable Instant lastUsed;

    Builder() {}

    public B description(@Nullable String description) {
      this.description = description;
      return self();
    }

    public B metadata(@Nullable String metadata) {
      this.metadata = metadata;
      return self();
    }

    public B keyRedacted(String keyRedacted) {
      this.keyRedacted = Objects.requireNonNull(keyRedacted, "keyRedacted");
      return self();
    }

    public B lastUsed(@Nullable Instant lastUsed) {
      this.lastUsed = lastUsed;
      return self();
    }
  }
}
