package dev.aigateway.admin;

import dev.aigateway.resource.SecretValue;
import org.jspecify.annotations.Nullable;

/**
 * Fields to create a provider key with ({@code providerId}, {@code name} and {@code value} required) or to
 * change on one (only {@code name}, {@code description}, {@code metadata}; use rotate for the value).
 */
public final class ProviderKeyChange extends DescribedChange {
  private final Field<String> providerId;
  private final Field<SecretValue> value;

  private ProviderKeyChange(Builder b) {
    super(b);
    this.providerId = b.providerId;
    this.value = b.value;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Field<String> providerId() {
    return providerId;
  }

  public Field<SecretValue> value() {
    return value;
  }

  @Override
  public String toString() {
    return "ProviderKeyChange[providerId=" + providerId + ", name=" + name() + "]";
  }

  public static final class Builder extends DescribedChange.Builder<Builder> {
    private Field<String> providerId = Field.absent();
    private Field<SecretValue> value = Field.absent();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder providerId(String providerId) {
      this.providerId = Field.of(providerId);
      return this;
    }

    public Builder name(@Nullable String name) {
      return setName(name);
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
