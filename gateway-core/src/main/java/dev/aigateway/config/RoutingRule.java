package dev.aigateway.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A routing rule: scoped by {@code provider}, by {@code model}, or both, with an ordered list of steps.
 * A rule matching the model wins over one matching only the provider.
 */
public final class RoutingRule {
  private final @Nullable String provider;
  private final @Nullable String model;
  private final List<RoutingStep> steps;

  private RoutingRule(@Nullable String provider, @Nullable String model, List<RoutingStep> steps) {
    if (provider == null && model == null) {
      throw new IllegalArgumentException("a rule needs a provider, a model, or both");
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a rule needs at least one step");
    }
    this.provider = provider;
    this.model = model;
    this.steps = List.copyOf(steps);
  }

  public static RoutingRule forProvider(String provider, RoutingStep... steps) {
    return new RoutingRule(Objects.requireNonNull(provider, "provider"), null, List.of(steps));
  }

  public static RoutingRule forModel(String model, RoutingStep... steps) {
    return new RoutingRule(null, Objects.requireNonNull(model, "model"), List.of(steps));
  }

  public static RoutingRule of(@Nullable String provider, @Nullable String model, List<RoutingStep> steps) {
    return new RoutingRule(provider, model, steps);
  }

  public @Nullable String provider() {
    return provider;
  }

  public @Nullable String model() {
    return model;
  }

  public List<RoutingStep> steps() {
    return steps;
  }

  RoutingRule withSteps(List<RoutingStep> newSteps) {
    return new RoutingRule(provider, model, newSteps);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoutingRule r && Objects.equals(r.provider, provider)
        && Objects.equals(r.model, model) && r.steps.equals(steps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, model, steps);
  }

  @Override
  public String toString() {
    return "Rule[" + (provider != null ? "provider=" + provider : "") + (provider != null && model != null ? ", " : "")
        + (model != null ? "model=" + model : "") + ", steps=" + steps + "]";
  }
}
