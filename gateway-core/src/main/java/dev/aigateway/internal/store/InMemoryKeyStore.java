package dev.aigateway.internal.store;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory {@link KeyStore}. Access keys live in a concurrent sorted map (lookups and paging
 * without locks); the other, few, resources in copy-on-write maps that keep creation order.
 *
 * <p>Thread-safety: safe for concurrent use; reads never lock, and listeners run on the mutating thread. The
 * {@code replace*} operations and {@link #deleteAdminKeyUnlessLast} are atomic: a replace never re-inserts a
 * resource deleted concurrently, and admin key changes hold one lock, so concurrent deleters never remove the last.
 */
public final class InMemoryKeyStore implements KeyStore {
  private final ConcurrentSkipListMap<String, AccessKey> accessKeys = new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, AdminKey> adminKeys = new ConcurrentSkipListMap<>();
  private final CowMap<AccessKeyConfiguration> configurations = new CowMap<>(c -> Objects.requireNonNull(c.id(), "id"));
  private final CowMap<ProviderKey> providerKeys = new CowMap<>(ProviderKey::id);
  private final CowMap<CustomProvider> providers = new CowMap<>(CustomProvider::providerId);
  private final CowMap<VirtualModel> virtualModels = new CowMap<>(VirtualModel::id);
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** Held by every admin key put, replace and delete, so that the last one is never deleted concurrently. */
  private final Object adminKeyLock = new Object();
  private volatile @Nullable String gatewayConfig;

  @Override
  public @Nullable AccessKey accessKey(String id) {
    return accessKeys.get(id);
  }

  @Override
  public List<AccessKey> accessKeys(@Nullable String beforeId, int limit) {
    return newestFirst(accessKeys, beforeId, limit);
  }

  @Override
  public @Nullable AdminKey adminKey(String id) {
    return adminKeys.get(id);
  }

  @Override
  public List<AdminKey> adminKeys(@Nullable String beforeId, int limit) {
    return newestFirst(adminKeys, beforeId, limit);
  }

  private static <T> List<T> newestFirst(ConcurrentSkipListMap<String, T> map, @Nullable String beforeId, int limit) {
    NavigableMap<String, T> view = beforeId == null ? map.descendingMap() : map.headMap(beforeId, false).descendingMap();
    List<T> out = new ArrayList<>(Math.min(limit, 128));
    for (T k : view.values()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(k);
    }
    return out;
  }

  @Override
  public @Nullable AccessKeyConfiguration configuration(String id) {
    return configurations.get(id);
  }

  @Override
  public List<AccessKeyConfiguration> configurations() {
    return configurations.values();
  }

  @Override
  public @Nullable ProviderKey providerKey(String id) {
    return providerKeys.get(id);
  }

  @Override
  public List<ProviderKey> providerKeys() {
    return providerKeys.values();
  }

  @Override
  public @Nullable CustomProvider provider(String providerId) {
    return providers.get(providerId);
  }

  @Override
  public List<CustomProvider> providers() {
    return providers.values();
  }

  @Override
  public @Nullable VirtualModel virtualModel(String id) {
    return virtualModels.get(id);
  }

  @Override
  public List<VirtualModel> virtualModels() {
    return virtualModels.values();
  }

  @Override
  public void putAccessKey(AccessKey key) {
    put(ResourceType.ACCESS_KEY, key.id(), () -> accessKeys.put(key.id(), key));
  }

  @Override
  public boolean replaceAccessKey(AccessKey key) {
    return replace(ResourceType.ACCESS_KEY, key.id(), () -> accessKeys.replace(key.id(), key) != null);
  }

  @Override
  public boolean deleteAccessKey(String id) {
    return delete(ResourceType.ACCESS_KEY, id, () -> accessKeys.remove(id) != null);
  }

  @Override
  public void touchAccessKey(String id, Instant when) {
    accessKeys.computeIfPresent(id, (k, v) -> v.toBuilder().lastUsed(when).build());
  }

  @Override
  public void putAdminKey(AdminKey key) {
    put(ResourceType.ADMIN_KEY, key.id(), () -> {
      synchronized (adminKeyLock) {
        adminKeys.put(key.id(), key);
      }
    });
  }

  @Override
  public boolean replaceAdminKey(AdminKey key) {
    return replace(ResourceType.ADMIN_KEY, key.id(), () -> {
      synchronized (adminKeyLock) {
        return adminKeys.replace(key.id(), key) != null;
      }
    });
  }

  @Override
  public boolean deleteAdminKey(String id) {
    return delete(ResourceType.ADMIN_KEY, id, () -> {
      synchronized (adminKeyLock) {
        return adminKeys.remove(id) != null;
      }
    });
  }

  /** Checks and deletes under the lock every admin key change holds; tells the listeners when it deleted. */
  @Override
  public AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    Objects.requireNonNull(id, "id");
    AdminKeyDeletion result;
    synchronized (adminKeyLock) {
      if (!adminKeys.containsKey(id)) {
        result = AdminKeyDeletion.NOT_FOUND;
      } else if (adminKeys.size() < 2) { // size() walks the map: admin keys are few
        result = AdminKeyDeletion.LAST;
      } else {
        adminKeys.remove(id);
        result = AdminKeyDeletion.DELETED;
      }
    }
    if (result == AdminKeyDeletion.DELETED) {
      fire(ResourceType.ADMIN_KEY, id);
    }
    return result;
  }

  @Override
  public void touchAdminKey(String id, Instant when) {
    adminKeys.computeIfPresent(id, (k, v) -> v.toBuilder().lastUsed(when).build());
  }

  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    if (configuration.id() == null) {
      throw new IllegalArgumentException("a stored configuration needs an id");
    }
    if (configuration.hasInlineKeys()) {
      throw new IllegalArgumentException("a stored configuration must reference provider keys by id");
    }
    put(ResourceType.CONFIGURATION, configuration.id(), () -> configurations.put(configuration));
  }

  @Override
  public boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    String id = configuration.id();
    if (id == null) {
      throw new IllegalArgumentException("a stored configuration needs an id");
    }
    if (configuration.hasInlineKeys()) {
      throw new IllegalArgumentException("a stored configuration must reference provider keys by id");
    }
    return replace(ResourceType.CONFIGURATION, id, () -> configurations.replace(configuration));
  }

  @Override
  public boolean deleteConfiguration(String id) {
    return delete(ResourceType.CONFIGURATION, id, () -> configurations.remove(id));
  }

  @Override
  public void putProviderKey(ProviderKey key) {
    put(ResourceType.PROVIDER_KEY, key.id(), () -> providerKeys.put(key));
  }

  @Override
  public boolean replaceProviderKey(ProviderKey key) {
    return replace(ResourceType.PROVIDER_KEY, key.id(), () -> providerKeys.replace(key));
  }

  @Override
  public boolean deleteProviderKey(String id) {
    return delete(ResourceType.PROVIDER_KEY, id, () -> providerKeys.remove(id));
  }

  @Override
  public void putProvider(CustomProvider provider) {
    put(ResourceType.PROVIDER, provider.providerId(), () -> providers.put(provider));
  }

  @Override
  public boolean replaceProvider(CustomProvider provider) {
    return replace(ResourceType.PROVIDER, provider.providerId(), () -> providers.replace(provider));
  }

  @Override
  public boolean deleteProvider(String providerId) {
    return delete(ResourceType.PROVIDER, providerId, () -> providers.remove(providerId));
  }

  @Override
  public void putVirtualModel(VirtualModel model) {
    put(ResourceType.VIRTUAL_MODEL, model.id(), () -> virtualModels.put(model));
  }

  @Override
  public boolean replaceVirtualModel(VirtualModel model) {
    return replace(ResourceType.VIRTUAL_MODEL, model.id(), () -> virtualModels.replace(model));
  }

  @Override
  public boolean deleteVirtualModel(String id) {
    return delete(ResourceType.VIRTUAL_MODEL, id, () -> virtualModels.remove(id));
  }

  @Override
  public @Nullable String gatewayConfig() {
    return gatewayConfig;
  }

  @Override
  public boolean putGatewayConfig(String json) {
    Objects.requireNonNull(json, "json");
    put(ResourceType.GATEWAY_CONFIG, GATEWAY_CONFIG_ID, () -> gatewayConfig = json);
    return true;
  }

  /** Forgets the gateway configuration (a shared store's row was deleted), then tells the listeners. */
  public boolean removeGatewayConfig() {
    return delete(ResourceType.GATEWAY_CONFIG, GATEWAY_CONFIG_ID, () -> {
      boolean existed = gatewayConfig != null;
      gatewayConfig = null;
      return existed;
    });
  }

  @Override
  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Makes a change visible, then tells the listeners. */
  private void put(ResourceType type, String id, Runnable change) {
    change.run();
    fire(type, id);
  }

  /** Replaces when present, then tells the listeners when it did; answers whether it replaced. */
  private boolean replace(ResourceType type, String id, BooleanSupplier replacement) {
    boolean replaced = replacement.getAsBoolean();
    if (replaced) {
      fire(type, id);
    }
    return replaced;
  }

  /** Removes, then tells the listeners (whether or not it existed); answers whether it existed. */
  private boolean delete(ResourceType type, String id, BooleanSupplier removal) {
    boolean existed = removal.getAsBoolean();
    fire(type, id);
    return existed;
  }

  private void fire(ResourceType type, String id) {
    for (Listener l : listeners) {
      l.changed(type, id);
    }
  }

  @Override
  public String toString() {
    return "InMemoryKeyStore[accessKeys=" + accessKeys.size() + ", configurations=" + configurations.values().size()
        + ", providerKeys=" + providerKeys.values().size() + ", adminKeys=" + adminKeys.size() + "]";
  }

  /** A small map that keeps insertion order; readers see immutable snapshots without locking. */
  static final class CowMap<T> {
    private final Function<T, String> key;
    private volatile Map<String, T> map = Map.of();
    private volatile List<T> values = List.of();

    CowMap(Function<T, String> key) {
      this.key = key;
    }

    @Nullable T get(String id) {
      return map.get(id);
    }

    List<T> values() {
      return values;
    }

    synchronized void put(T value) {
      Map<String, T> copy = new LinkedHashMap<>(map);
      copy.put(key.apply(value), value);
      publish(copy);
    }

    /** Replaces the value with the same key, in its place; answers false (and changes nothing) when absent. */
    synchronized boolean replace(T value) {
      String id = key.apply(value);
      if (!map.containsKey(id)) {
        return false;
      }
      Map<String, T> copy = new LinkedHashMap<>(map);
      copy.put(id, value);
      publish(copy);
      return true;
    }

    synchronized boolean remove(String id) {
      if (!map.containsKey(id)) {
        return false;
      }
      Map<String, T> copy = new LinkedHashMap<>(map);
      copy.remove(id);
      publish(copy);
      return true;
    }

    private void publish(Map<String, T> copy) {
      List<T> v = List.copyOf(copy.values());
      // values first: a reader that sees the new map also sees values at least as new
      values = v;
      map = java.util.Collections.unmodifiableMap(copy);
    }
  }
}
