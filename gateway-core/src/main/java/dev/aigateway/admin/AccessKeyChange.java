package dev.aigateway.admin;

import org.jspecify.annotations.Nullable;

/**
 * Fields to create an access key with, or to change on one. Every field is optional. On update an
 * untouched field stays as it is and a field set to null is cleared (a null configuration id reverts the
 * key to allow-all scope).
 */
public final class AccessKeyChange {
  private final Field<String> name;
  private final Field<String> description;
  private final Field<String> metadata;
  private final Field<String> configurationId;

  private AccessKeyChange(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.metadata = b.metadata;
    this.configurationId = b.configurationId;
  }

  public static Builder builder() {
    return new Builder();
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

  public Field<String> configurationId() {
    return configurationId;
  }

  public static final class Builder {
    private Field<String> name = Field.absent();
    private Field<String> description = Field.absent();
    private Field<String> metadata = Field.absent();
    private Field<String> configurationId = Field.absent();

    private Builder() {}

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
