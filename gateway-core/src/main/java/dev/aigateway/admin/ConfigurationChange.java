package dev.aigateway.admin;

import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.AccessScope;
import dev.aigateway.config.RoutingRule;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Fields to change on an access key configuration. An untouched field stays; a field set to null is
 * cleared ({@code access(null)}: allow all; {@code rules(null)}: default routing; {@code limits(null)}: no
 * per-key limit). {@code name} cannot be cleared.
 */
public final class ConfigurationChange extends DescribedChange {
  private final Field<AccessScope> access;
  private final Field<List<RoutingRule>> rules;
  private final Field<AccessKeyLimits> limits;

  private ConfigurationChange(Builder b) {
    super(b);
    this.access = b.access;
    this.rules = b.rules;
    this.limits = b.limits;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Field<AccessScope> access() {
    return access;
  }

  public Field<List<RoutingRule>> rules() {
    return rules;
  }

  /** The per-key limits, replaced whole when present. */
  public Field<AccessKeyLimits> limits() {
    return limits;
  }

  public static final class Builder extends DescribedChange.Builder<Builder> {
    private Field<AccessScope> access = Field.absent();
    private Field<List<RoutingRule>> rules = Field.absent();
    private Field<AccessKeyLimits> limits = Field.absent();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /** The name; it cannot be cleared. */
    public Builder name(String name) {
      return setName(name);
    }

    public Builder access(@Nullable AccessScope access) {
      this.access = Field.of(access);
      return this;
    }

    public Builder rules(@Nullable List<RoutingRule> rules) {
      this.rules = Field.of(rules == null ? null : List.copyOf(rules));
      return this;
    }

    /** Replaces the per-key limits; null removes them. */
    public Builder limits(@Nullable AccessKeyLimits limits) {
      this.limits = Field.of(limits);
      return this;
    }

    public ConfigurationChange build() {
      return new ConfigurationChange(this);
    }
  }
}
