package dev.aigateway.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** One step of a routing rule: a {@code user} step with keys, or a {@code managed} step. */
public final class RoutingStep {
  private final StepType type;
  private final String typeName;
  private final @Nullable KeySelectionStrategy strategy;
  private final List<StepKey> keys;

  private RoutingStep(StepType type, String typeName, @Nullable KeySelectionStrategy strategy, List<StepKey> keys) {
    this.type = type;
    this.typeName = typeName;
    this.strategy = strategy;
    this.keys = List.copyOf(keys);
  }

  /** A {@code user} step trying {@code keys} by {@code strategy} (null: {@code ordered}, not written back). */
  public static RoutingStep user(@Nullable KeySelectionStrategy strategy, List<StepKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a user step needs at least one key");
    }
    return new RoutingStep(StepType.USER, "user", strategy, keys);
  }

  public static RoutingStep user(StepKey... keys) {
    return user(null, List.of(keys));
  }

  /** A managed step, written back as {@code "managed"}. */
  public static RoutingStep managed() {
    return new RoutingStep(StepType.MANAGED, "managed", null, List.of());
  }

  /** A managed step with the reference's spelling {@code "ngrok"} or {@code "managed"}, kept on read. */
  public static RoutingStep managed(String typeName) {
    if (!typeName.equals("ngrok") && !typeName.equals("managed")) {
      throw new IllegalArgumentException("managed step type must be 'ngrok' or 'managed' but was '" + typeName + "'");
    }
    return new RoutingStep(StepType.MANAGED, typeName, null, List.of());
  }

  public StepType type() {
    return type;
  }

  /** The type as given: {@code user}, {@code ngrok} or {@code managed}. */
  public String typeName() {
    return typeName;
  }

  /** The strategy as given, or null when omitted (which means {@code ordered}). */
  public @Nullable KeySelectionStrategy keySelectionStrategy() {
    return strategy;
  }

  public KeySelectionStrategy effectiveStrategy() {
    return strategy == null ? KeySelectionStrategy.ORDERED : strategy;
  }

  public List<StepKey> keys() {
    return keys;
  }

  RoutingStep withKeys(List<StepKey> newKeys) {
    return new RoutingStep(type, typeName, strategy, newKeys);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoutingStep s && s.typeName.equals(typeName)
        && Objects.equals(s.strategy, strategy) && s.keys.equals(keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(typeName, strategy, keys);
  }

  @Override
  public String toString() {
    return type == StepType.USER ? "user" + keys + (strategy != null ? " " + strategy.json() : "") : typeName;
  }
}
