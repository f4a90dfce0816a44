package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_METADATA;
import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.found;
import static dev.aigateway.internal.admin.AdminSupport.pageOf;
import static dev.aigateway.internal.admin.AdminSupport.replaced;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderKeyAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Provider keys: write-only upstream secrets of a known provider, rotated in place (same id), deleted
 * only while no configuration's routing rule references them (checked under the shared lock).
 */
final class ProviderKeyService implements ProviderKeyAdmin {
  private final AdminSupport support;
  private final KeyStore store;
  private final RoutingView routing;

  ProviderKeyService(AdminSupport support, RoutingView routing) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  @Override
  public ProviderKey create(ProviderKeyChange fields) {
    Objects.requireNonNull(fields, "fields");
    synchronized (support.lock()) {
      String providerId = fields.providerId().value();
      if (providerId == null || providerId.isEmpty()) {
        throw new ConfigurationException("providerId", "is required");
      }
      if (!routing.resolver().catalog().isKnown(providerId)) {
        throw new ConfigurationException("providerId", "unknown provider '" + ModelResolver.display(providerId) + "'");
      }
      String name = fields.name().value();
      if (name == null || name.isEmpty()) {
        throw new ConfigurationException("name", "is required");
      }
      SecretValue value = fields.value().value();
      if (value == null) {
        throw new ConfigurationException("value", "is required");
      }
      ProviderKey pk = newProviderKey(providerId, name, value, fields.description().value(),
          fields.metadata().value(), support.now());
      store.putProviderKey(pk);
      return pk;
    }
  }

  /** A new key of {@code providerId}, checked but not stored; also for a configuration's inline keys. */
  ProviderKey newProviderKey(String providerId, String name, SecretValue value, @Nullable String description,
      @Nullable String metadata, Instant now) {
    checkSecret(value, "value");
    return ProviderKey.builder()
        .id(Ids.newId(Ids.PROVIDER_KEY))
        .providerId(providerId)
        .name(Objects.requireNonNull(text(name, "name", MAX_NAME)))
        .description(text(description, "description", MAX_NAME))
        .metadata(text(metadata, "metadata", MAX_METADATA))
        .value(value)
        .createdAt(now)
        .updatedAt(now)
        .build();
  }

  @Override
  public ProviderKey get(String id) {
    return found(store.providerKey(Objects.requireNonNull(id, "id")), "provider key", id);
  }

  /** Provider keys, newest first; only those of {@code providerId} when it is given. */
  @Override
  public Page<ProviderKey> list(@Nullable String providerId, @Nullable String beforeId, int limit) {
    return pageOf(() -> {
      List<ProviderKey> all = store.providerKeys();
      return providerId == null ? all : all.stream().filter(k -> k.providerId().equals(providerId)).toList();
    }, beforeId, limit, ProviderKey::id);
  }

  /** Changes name, description or metadata; the value changes only through {@link #rotate}. */
  @Override
  public ProviderKey update(String id, ProviderKeyChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (support.lock()) {
      ProviderKey k = get(id);
      if (change.providerId().isPresent()) {
        throw new ConfigurationException("providerId", "cannot be changed");
      }
      if (change.value().isPresent()) {
        throw new ConfigurationException("value", "cannot be changed by update; rotate the key");
      }
      if (change.name().isPresent() && (change.name().value() == null || change.name().value().isEmpty())) {
        throw new ConfigurationException("name", "cannot be cleared");
      }
      ProviderKey updated = k.toBuilder()
          .name(Objects.requireNonNull(text(change.name().orElse(k.name()), "name", MAX_NAME)))
          .description(text(change.description().orElse(k.description()), "description", MAX_NAME))
          .metadata(text(change.metadata().orElse(k.metadata()), "metadata", MAX_METADATA))
          .updatedAt(support.now())
          .build();
      return replaced(store.replaceProviderKey(updated), updated, "provider key", id);
    }
  }

  /** Replaces the key's name and value, keeping its id so configurations keep working. */
  @Override
  public ProviderKey rotate(String id, String name, SecretValue value) {
    Objects.requireNonNull(value, "value");
    synchronized (support.lock()) {
      ProviderKey k = get(id);
      if (name == null || name.isEmpty()) {
        throw new ConfigurationException("name", "is required");
      }
      checkSecret(value, "value");
      ProviderKey rotated = k.toBuilder()
          .name(Objects.requireNonNull(text(name, "name", MAX_NAME)))
          .value(value)
          .updatedAt(support.now())
          .build();
      return replaced(store.replaceProviderKey(rotated), rotated, "provider key", id);
    }
  }

  /** Deletes a provider key; refused with {@code conflict} while a routing rule references it. */
  @Override
  public void delete(String id) {
    synchronized (support.lock()) {
      get(id);
      for (AccessKeyConfiguration c : store.configurations()) {
        if (references(c, id)) {
          throw new GatewayException(ErrorCode.CONFLICT, "Provider key " + id
              + " is referenced by a routing rule of configuration " + c.id() + ".");
        }
      }
      store.deleteProviderKey(id);
    }
  }

  private static boolean references(AccessKeyConfiguration c, String providerKeyId) {
    if (c.rules() == null) {
      return false;
    }
    for (RoutingRule r : c.rules()) {
      for (RoutingStep s : r.steps()) {
        for (StepKey k : s.keys()) {
          if (providerKeyId.equals(k.id())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void checkSecret(SecretValue value, String field) {
    String v = value.reveal();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new ConfigurationException(field, "must not contain control characters");
      }
    }
    if (v.length() > 16384) {
      throw new ConfigurationException(field, "must be at most 16384 characters");
    }
  }
}
