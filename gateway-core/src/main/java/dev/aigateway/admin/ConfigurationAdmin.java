package dev.aigateway.admin;

import dev.aigateway.config.AccessKeyConfiguration;
import org.jspecify.annotations.Nullable;

/** Access key configurations: scope and routing. Thread-safe. */
public interface ConfigurationAdmin {
  /**
   * Creates a configuration. Inline keys ({@code {"name","value"}}) become stored provider keys of the
   * rule's provider and are replaced by references. The configuration is validated first: unknown
   * providers, unresolvable models, missing or foreign provider keys and duplicate rules are refused with
   * their JSON path, and nothing is created.
   */
  AccessKeyConfiguration create(AccessKeyConfiguration draft);

  AccessKeyConfiguration get(String id);

  Page<AccessKeyConfiguration> list(@Nullable String beforeId, int limit);

  /** Applies the fields the change sets, validated as on create. */
  AccessKeyConfiguration update(String id, ConfigurationChange change);

  /** Deletes a configuration; refused with {@code conflict} while an access key links to it. */
  void delete(String id);
}
