package dev.aigateway.internal.plan;

import dev.aigateway.config.AccessKeyConfiguration;

/** What the management API needs from routing: the resolver in force, and strict validation. */
public interface RoutingView {
  ModelResolver resolver();

  /** Compiles strictly: throws {@code ConfigurationException} naming the JSON path of any problem. */
  CompiledConfiguration compileStrict(AccessKeyConfiguration configuration);
}
