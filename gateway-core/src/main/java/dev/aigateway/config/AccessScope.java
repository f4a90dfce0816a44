package dev.aigateway.config;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which providers and models a key may call. A dimension that is null imposes no restriction; an empty
 * list allows nothing on that dimension. Both dimensions must pass.
 */
public final class AccessScope {
  private static final AccessScope ALLOW_ALL = new AccessScope(null, null);

  private final @Nullable List<String> providers;
  private final @Nullable List<String> models;

  private AccessScope(@Nullable List<String> providers, @Nullable List<String> models) {
    this.providers = providers == null ? null : List.copyOf(providers);
    this.models = models == null ? null : List.copyOf(models);
  }

  public static AccessScope allowAll() {
    return ALLOW_ALL;
  }

  /** A scope; pass null for a dimension with no restriction. */
  public static AccessScope of(@Nullable List<String> allowedProviders, @Nullable List<String> allowedModels) {
    return new AccessScope(allowedProviders, allowedModels);
  }

  /** {@code access.providers.allow}, or null for no restriction. */
  public @Nullable List<String> allowedProviders() {
    return providers;
  }

  /** {@code access.models.allow}, or null for no restriction. */
  public @Nullable List<String> allowedModels() {
    return models;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessScope s && Objects.equals(s.providers, providers)
        && Objects.equals(s.models, models);
  }

  @Override
  public int hashCode() {
    return Objects.hash(providers, models);
  }

  @Override
  public String toString() {
    return "AccessScope[providers=" + (providers == null ? "any" : providers) + ", models="
        + (models == null ? "any" : models) + "]";
  }
}
