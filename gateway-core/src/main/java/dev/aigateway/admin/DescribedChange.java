package dev.aigateway.admin;

import org.jspecify.annotations.Nullable;

/**
 * The {@code name}, {@code description} and {@code metadata} fields every change type carries, and the
 * builder setters for them. Package-private: callers see these members only through the public change
 * types. Whether {@code name} may be cleared differs by type, so each type declares its own {@code name}
 * setter over {@link Builder#setName}.
 */
abstract class DescribedChange {
  private final Field<String> name;
  private final Field<String> description;
  private final Field<String> metadata;

  DescribedChange(Builder<?> b) {
    this.name = b.name;
    this.description = b.description;
    this.metadata = b.metadata;
  }

  public Field<String> name() {
    return name;
  }

  public Field<String> description() {
    return description;
  }

  public Field<String> metadata() {
    return metadata;
  }

  abstract static class Builder<B extends Builder<B>> {
    private Field<String> name = Field.absent();
    private Field<String> description = Field.absent();
    private Field<String> metadata = Field.absent();

    Builder() {}

    abstract B self();

    final B setName(@Nullable String name) {
      this.name = Field.of(name);
      return self();
    }

    public B description(@Nullable String description) {
      this.description = Field.of(description);
      return self();
    }

    public B metadata(@Nullable String metadata) {
      this.metadata = Field.of(metadata);
      return self();
    }
  }
}
