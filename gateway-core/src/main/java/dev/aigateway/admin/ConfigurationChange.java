package dev.aigateway.admin;

import dev.aigateway.config.AccessScope;
import dev.aigateway.config.RoutingRule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fields to change on an access key configuration. An untouched field stays; a field set to null is
 * cleared ({@code access(null)}: allow all; {@code rules(null)}: default routing). {@code name} cannot be
 * cleared.
 */
public final class ConfigurationChange {
  private final Field<String> name;
  private final Field<String> description;
  private final Field<String> metadata;
  private final Field<AccessScope> access;
  private final Field<List<RoutingRule>> rules;

  private ConfigurationChange(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.metadata = b.metadata;
    this.access = b.access;
    this.rules = b.rules;
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

  public Field<AccessScope> access() {
    return access;
  }

  public Field<List<RoutingRule>> rules() {
    return rules;
  }

  public static final class Builder {
    private Field<String> name = Field.absent();
    private Field<String> description = Field.absent();
    private Field<String> metadata = Field.absent();
    private Field<AccessScope> access = Field.absent();
    private Field<List<RoutingRule>> rules = Field.absent();

    private Builder() {}

    public Builder name(String name) {
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

    public Builder access(@Nullable AccessScope access) {
      this.access = Field.of(access);
      return this;
    }

    public Builder rules(@Nullable List<RoutingRule> rules) {
      this.rules = Field.of(rules == null ? null : List.copyOf(rules));
      return this;
    }

    public ConfigurationChange build() {
      return new ConfigurationChange(this);
    }
  }
}
