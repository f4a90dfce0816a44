package dev.aigateway.admin;

import org.jspecify.annotations.Nullable;

/**
 * Fields to create an access key with, or to change on one. Every field is optional. On update an
 * untouched field stays as it is and a field set to null is cleared (a null configuration id reverts the
 * key to allow-all scope).
 */
public final class AccessKeyChange extends DescribedChange {
  private final Field<String> configurationId;

  private AccessKeyChange(Builder b) {
    super(b);
    this.configurationId = b.configurationId;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Field<String> configurationId() {
    return configurationId;
  }

  public static final class Builder extends DescribedChange.Builder<Builder> {
    private Field<String> configurationId = Field.absent();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder name(@Nullable String name) {
      return setName(name);
    }

    /** {@code accessKeyConfigurationId}; null reverts to allow-all. */
    public Builder configurationId(@Nullable String configurationId) {
      this.configurationId = Field.of(configurationId);
      return this;
    }

    public AccessKeyChange build() {
      return new AccessKeyChange(this);
    }
  }
}
