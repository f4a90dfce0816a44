package dev.aigateway.resource;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every stored resource has: its id and when it was created and last updated. Package-private:
 * callers see these members only through the public resource types.
 */
abstract class StoredResource {
  private final String id;
  private final Instant createdAt;
  private final Instant updatedAt;

  StoredResource(@Nullable String id, @Nullable Instant createdAt, @Nullable Instant updatedAt) {
    this.id = Objects.requireNonNull(id, "id");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
  }

  StoredResource(Builder<?> b) {
    this(b.id, b.createdAt, b.updatedAt);
  }

  public String id() {
    return id;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /** Copies this resource's shared fields into a builder, for {@code toBuilder()}. */
  final <B extends Builder<B>> B copyInto(B b) {
    b.id = id;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    return b;
  }

  abstract static class Builder<B extends Builder<B>> {
    @Nullable String id;
    @Nullable Instant createdAt;
    @Nullable Instant updatedAt;

    Builder() {}

    abstract B self();

    public B id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return self();
    }

    public B createdAt(Instant createdAt) {
      this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
      return self();
    }

    public B updatedAt(Instant updatedAt) {
      this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
      return self();
    }

    /** An unset {@code updatedAt} becomes {@code createdAt}; called by {@code build()} after its checks. */
    final void defaultUpdatedAt() {
      if (updatedAt == null) {
        updatedAt = createdAt;
      }
    }
  }
}
