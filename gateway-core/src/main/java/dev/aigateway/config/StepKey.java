package dev.aigateway.config;

import dev.aigateway.resource.SecretValue;
import org.jspecify.annotations.Nullable;

/**
 * A key in a {@code user} step: either a reference to a stored provider key ({@code {"id": "aigpk_..."}})
 * or, in a create or update body only, an inline key to be created ({@code {"name", "value"}}). Stored
 * configurations hold references only. {@code weight} (1..1000, default 1) is used by the
 * {@link KeySelectionStrategy#WEIGHTED} strategy.
 */
public record StepKey(@Nullable String id, @Nullable String name, @Nullable SecretValue value, int weight) {
  public StepKey {
    if ((id == null) == (value == null)) {
      throw new IllegalArgumentException("a step key has either an id or an inline value");
    }
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("weight must be from 1 to 1000 but was " + weight);
    }
  }

  public static StepKey ref(String providerKeyId) {
    return new StepKey(providerKeyId, null, null, 1);
  }

  public static StepKey ref(String providerKeyId, int weight) {
    return new StepKey(providerKeyId, null, null, weight);
  }

  public static StepKey inline(String name, SecretValue value) {
    return new StepKey(null, name, value, 1);
  }

  public boolean isInline() {
    return value != null;
  }

  @Override
  public String toString() {
    return id != null ? "StepKey[" + id + (weight != 1 ? ", weight=" + weight : "") + "]"
        : "StepKey[inline " + name + "]";
  }
}
