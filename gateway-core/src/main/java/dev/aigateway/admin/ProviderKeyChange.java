package dev.aigateway.admin;

import dev.aigateway.resource.SecretValue;
import org.jspecify.annotations.Nullable;

/**
 * Fields to create a provider key with ({@code providerId}, {@code name} and {@code value} required) or to
 * change on one (only {@code name}, {@code description}, {@code metadata}; use rotate for the value).
 */
public final class ProviderKeyChange {
  private final Field<String> providerId;
  private final Field<String> name;
  private final Field<String> description;
  private final Field<String> metadata;
  private final Field<SecretValue> value;

  private ProviderKeyChange(Builder b) {
    this.providerId = b.providerId;
    this.name = b.name;
    this.description = b.description;
    this.metadata = b.metadata;
    this.value = b.value;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Field<String> providerId() {
    return providerId;
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

  public Field<SecretValue> value() {
    return value;
  }

  @Override
  public String toString() {
    return "ProviderKeyChange[providerId=" + providerId + ", name=" + name + "]";
  }

  public static final class Builder {
    private Field<String> providerId = Field.absent();
    private Field<String> name = Field.absent();
    private Field<String> description = Field.absent();
    private Field<String> metadata = Field.absent();
    private Field<SecretValue> value = Field.absent();

    private Builder() {}

    public Builder providerId(String providerId) {
      this.providerId = Field.of(providerId);
      return this;
    }

    public Builder name(@Nullable String name) {
      this.name = Field.of(name);
      return this;
    }

    public Builder description(@Nullable String description) {
      this.description = Field.of(description);
      return this;
    }

    public Builder metadata(@Nullable String metadata) {
      this.metadata = Field.of(metadata);
      return this;
    }

    public Builder value(String value) {
      this.value = Field.of(SecretValue.of(value));
      return this;
    }

    public Builder value(SecretValue value) {
      this.value = Field.of(value);
      return this;
    }

    public ProviderKeyChange build() {
      return new ProviderKeyChange(this);
    }
  }
}
