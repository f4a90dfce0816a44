package dev.aigateway.routing;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One candidate model of a plan, resolved to a provider, with its attempts in the order they will be
 * tried. Immutable.
 */
public final class Candidate {
  private final String requested;
  private final String source;
  private final String provider;
  private final String model;
  private final String resolvedBy;
  private final RuleMatch rule;
  private final List<PlannedAttempt> attempts;

  private Candidate(Builder b) {
    this(Objects.requireNonNull(b.requested, "requested"), Objects.requireNonNull(b.source, "source"),
        Objects.requireNonNull(b.provider, "provider"), Objects.requireNonNull(b.model, "model"), b.resolvedBy, b.rule,
        b.attempts);
  }

  private Candidate(String requested, String source, String provider, String model, String resolvedBy,
      RuleMatch rule, List<PlannedAttempt> attempts) {
    this.requested = requested;
    this.source = source;
    this.provider = provider;
    this.model = model;
    this.resolvedBy = resolvedBy;
    this.rule = rule;
    this.attempts = List.copyOf(attempts);
  }

  /** A candidate with its attempts in order (copied); see the accessors for each value. */
  public static Candidate of(String requested, String source, String provider, String model, String resolvedBy,
      RuleMatch rule, List<PlannedAttempt> attempts) {
    return new Candidate(Objects.requireNonNull(requested, "requested"), Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(resolvedBy, "resolvedBy"), Objects.requireNonNull(rule, "rule"),
        Objects.requireNonNull(attempts, "attempts"));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().requested(requested).source(source).provider(provider).model(model).resolvedBy(resolvedBy)
        .rule(rule).attempts(attempts);
  }

  /** The model string as the client wrote it (or the virtual model's target). */
  public String requested() {
    return requested;
  }

  /** Where it came from: {@code model}, {@code models[0]}, {@code virtual model fast[1]}. */
  public String source() {
    return source;
  }

  /** The provider id. */
  public String provider() {
    return provider;
  }

  /** The provider's own model id, sent upstream. */
  public String model() {
    return model;
  }

  /** How the provider was found: {@code pinned}, {@code catalog}, {@code allow-list}, {@code family}. */
  public String resolvedBy() {
    return resolvedBy;
  }

  /** The routing rule that produced the attempts. */
  public RuleMatch rule() {
    return rule;
  }

  /** Attempts in order; cooling keys last. */
  public List<PlannedAttempt> attempts() {
    return attempts;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof Candidate c)) {
      return false;
    }
    return requested.equals(c.requested) && source.equals(c.source) && provider.equals(c.provider)
        && model.equals(c.model) && resolvedBy.equals(c.resolvedBy) && rule.equals(c.rule)
        && attempts.equals(c.attempts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requested, provider, model, attempts);
  }

  @Override
  public String toString() {
    return "Candidate[" + requested + " -> " + provider + "/" + model + ", " + rule.describe() + ", attempts="
        + attempts.size() + "]";
  }

  /** Builds a {@link Candidate}; {@link #build()} copies the attempts. */
  public static final class Builder {
    private @Nullable String requested;
    private @Nullable String source;
    private @Nullable String provider;
    private @Nullable String model;
    private String resolvedBy = "pinned";
    private RuleMatch rule = RuleMatch.DEFAULT;
    private List<PlannedAttempt> attempts = List.of();

    private Builder() {}

    public Builder requested(String requested) {
      this.requested = Objects.requireNonNull(requested, "requested");
      return this;
    }

    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder resolvedBy(String resolvedBy) {
      this.resolvedBy = Objects.requireNonNull(resolvedBy, "resolvedBy");
      return this;
    }

    public Builder rule(RuleMatch rule) {
      this.rule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    public Builder attempts(List<PlannedAttempt> attempts) {
      this.attempts = Objects.requireNonNull(attempts, "attempts");
      return this;
    }

    public Candidate build() {
      if (requested == null || source == null || provider == null || model == null) {
        throw new IllegalStateException("requested, source, provider and model are required");
      }
      return new Candidate(this);
    }
  }
}
