package dev.aigateway.admin;

import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import org.jspecify.annotations.Nullable;

/** Provider keys: the host's upstream secrets, write-only. Thread-safe. */
public interface ProviderKeyAdmin {
  ProviderKey create(ProviderKeyChange fields);

  ProviderKey get(String id);

  /** Newest first, optionally of one provider only. */
  Page<ProviderKey> list(@Nullable String providerId, @Nullable String beforeId, int limit);

  ProviderKey update(String id, ProviderKeyChange change);

  /** Replaces the secret (and name); the key's cooldown starts fresh. */
  ProviderKey rotate(String id, String name, SecretValue value);

  /** Deletes a provider key; refused with {@code conflict} while a configuration references it. */
  void delete(String id);
}
