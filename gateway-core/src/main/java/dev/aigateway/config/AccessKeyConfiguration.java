package dev.aigateway.config;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An access key configuration ({@code aigac_}): the access scope and routing rules shared by the access
 * keys linked to it. Immutable; {@link #toBuilder()} for changes.
 */
public final class AccessKeyConfiguration {
  private final @Nullable String id;
  private final String name;
  private final @Nullable String description;
  private final @Nullable String metadata;
  private final @Nullable AccessScope access;
  private final @Nullable List<RoutingRule> rules;
  private final @Nullable AccessKeyLimits limits;
  private final @Nullable Instant createdAt;
  private final @Nullable Instant updatedAt;

  private AccessKeyConfiguration(Builder b) {
    this.id = b.id;
    this.name = Objects.requireNonNull(b.name, "name");
    this.description = b.description;
    this.metadata = b.metadata;
    this.access = b.access;
    this.rules = b.rules == null ? null : List.copyOf(b.rules);
    this.limits = b.limits == null || b.limits.isEmpty() ? null : b.limits;
    this.createdAt = b.createdAt;
    this.updatedAt = b.updatedAt;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.name = name;
    b.description = description;
    b.metadata = metadata;
    b.access = access;
    b.rules = rules == null ? null : new ArrayList<>(rules);
    b.limits = limits;
    b.createdAt = createdAt;
    b.updatedAt = updatedAt;
    return b;
  }

  /** The id, or null before the configuration is stored. */
  public @Nullable String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public @Nullable String description() {
    return description;
  }

  public @Nullable String metadata() {
    return metadata;
  }

  /** The scope, or null when {@code access} was omitted (allow all). */
  public @Nullable AccessScope access() {
    return access;
  }

  /** The scope in force: {@link AccessScope#allowAll()} when omitted. */
  public AccessScope effectiveAccess() {
    return access == null ? AccessScope.allowAll() : access;
  }

  /** {@code router.rules}, or null when {@code router} was omitted. */
  public @Nullable List<RoutingRule> rules() {
    return rules;
  }

  /** {@code limits}, or null when omitted (or empty): no per-key limit. */
  public @Nullable AccessKeyLimits limits() {
    return limits;
  }

  public @Nullable Instant createdAt() {
    return createdAt;
  }

  public @Nullable Instant updatedAt() {
    return updatedAt;
  }

  /** Whether any user step still holds an inline {@code {name, value}} key. */
  public boolean hasInlineKeys() {
    if (rules == null) {
      return false;
    }
    for (RoutingRule r : rules) {
      for (RoutingStep s : r.steps()) {
        for (StepKey k : s.keys()) {
          if (k.isInline()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A copy whose inline keys are replaced, in order, by the given mapping. */
  public AccessKeyConfiguration mapKeys(java.util.function.UnaryOperator<StepKey> mapping) {
    if (rules == null) {
      return this;
    }
    List<RoutingRule> out = new ArrayList<>(rules.size());
    for (RoutingRule r : rules) {
      List<RoutingStep> steps = new ArrayList<>(r.steps().size());
      for (RoutingStep s : r.steps()) {
        if (s.type() == StepType.USER) {
          List<StepKey> keys = new ArrayList<>(s.keys().size());
          for (StepKey k : s.keys()) {
            keys.add(mapping.apply(k));
          }
          steps.add(s.withKeys(keys));
        } else {
          steps.add(s);
        }
      }
      out.add(r.withSteps(steps));
    }
    return toBuilder().rules(out).build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AccessKeyConfiguration c)) {
      return false;
    }
    return Objects.equals(id, c.id) && name.equals(c.name) && Objects.equals(description, c.description)
        && Objects.equals(metadata, c.metadata) && Objects.equals(access, c.access) && Objects.equals(rules, c.rules)
        && Objects.equals(limits, c.limits)
        && Objects.equals(createdAt, c.createdAt) && Objects.equals(updatedAt, c.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, access, rules);
  }

  @Override
  public String toString() {
    return "AccessKeyConfiguration[id=" + id + ", name=" + name + ", access=" + effectiveAccess() + ", rules="
        + (rules == null ? "default" : rules) + (limits == null ? "" : ", limits=" + limits) + "]";
  }

  /** Builder; {@link #build()} copies, so later changes to the builder never touch built objects. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String name;
    private @Nullable String description;
    private @Nullable String metadata;
    private @Nullable AccessScope access;
    private @Nullable List<RoutingRule> rules;
    private @Nullable AccessKeyLimits limits;
    private @Nullable Instant createdAt;
    private @Nullable Instant updatedAt;

    private Builder() {}

    public Builder id(@Nullable String id) {
      this.id = id;
      return this;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder description(@Nullable String description) {
      this.description = description;
      return this;
    }

    public Builder metadata(@Nullable String metadata) {
      this.metadata = metadata;
      return this;
    }

    public Builder access(@Nullable AccessScope access) {
      this.access = access;
      return this;
    }

    /** Routing rules; null means the {@code router} is omitted (default routing). */
    public Builder rules(@Nullable List<RoutingRule> rules) {
      this.rules = rules == null ? null : new ArrayList<>(rules);
      return this;
    }

    public Builder rules(RoutingRule... rules) {
      return rules(List.of(rules));
    }

    /** Per-key limits; null (or {@link AccessKeyLimits#none()}) for none. */
    public Builder limits(@Nullable AccessKeyLimits limits) {
      this.limits = limits;
      return this;
    }

    public Builder createdAt(@Nullable Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    public Builder updatedAt(@Nullable Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    public AccessKeyConfiguration build() {
      if (name == null || name.isEmpty()) {
        throw new IllegalStateException("name is required");
      }
      return new AccessKeyConfiguration(this);
    }
  }
}
