package dev.aigateway.spi;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the gateway's resources live: access keys, configurations, provider keys, custom providers,
 * virtual models and the admin API keys of the management API.
 *
 * <p>Thread-safety: implementations must be safe for concurrent use. Reads may run on request threads
 * at any time; each mutation must be atomic and visible to every read that starts after it returns.
 * After a mutation is visible, the store calls each registered {@link Listener} (on the mutating
 * thread) so the gateway can drop cached state: a deleted access key then fails on the very next
 * request. The gateway reads the store only on a cache miss, so lookups may do I/O.
 *
 * <p>Mutations come from {@code GatewayAdmin}, which validates references first; a store need not.
 *
 * <p><b>Several processes on one store.</b> {@code GatewayAdmin} serialises its changes within one process
 * only. So that a change made elsewhere is never undone, it updates through the {@code replace*} operations
 * (replace only what still exists, never re-insert what another process deleted) and deletes admin API keys
 * through {@link #deleteAdminKeyUnlessLast} (never the last one). Their defaults are built from reads and
 * puts and are not atomic against another process's concurrent delete; a store that several processes
 * share overrides them with atomic operations (a conditional {@code UPDATE}, a lock).
 */
public interface KeyStore {

  /** The in-memory store: nothing persists beyond the process. */
  static KeyStore inMemory() {
    return new InMemoryKeyStore();
  }

  @Nullable AccessKey accessKey(String id);

  /** Access keys in descending id order (newest first), strictly before {@code beforeId} when given. */
  List<AccessKey> accessKeys(@Nullable String beforeId, int limit);

  @Nullable AccessKeyConfiguration configuration(String id);

  /** Every configuration, in creation order. */
  List<AccessKeyConfiguration> configurations();

  @Nullable ProviderKey providerKey(String id);

  /** Every provider key, in creation order. */
  List<ProviderKey> providerKeys();

  /** A custom provider by its {@code providerId} (not its {@code aigp_} id), or null. */
  @Nullable CustomProvider provider(String providerId);

  /** Every custom provider, in creation order. */
  List<CustomProvider> providers();

  @Nullable VirtualModel virtualModel(String id);

  /** Every virtual model, in creation order. */
  List<VirtualModel> virtualModels();

  /** Inserts or replaces (by id). */
  void putAccessKey(AccessKey key);

  /**
   * Replaces the access key with {@code key}'s id only when one with that id exists, and then tells the
   * listeners as {@link #putAccessKey} does; answers whether it replaced. A missing key stays missing: an
   * update never brings back a key deleted meanwhile.
   *
   * <p>Default: {@link #accessKey} then {@link #putAccessKey}, which is not atomic against a concurrent
   * delete (by another process sharing the store); override it with one atomic operation.
   */
  default boolean replaceAccessKey(AccessKey key) {
    if (accessKey(key.id()) == null) {
      return false;
    }
    putAccessKey(key);
    return true;
  }

  /** Removes; answers whether it existed. */
  boolean deleteAccessKey(String id);

  /**
   * Inserts or replaces (by id). The configuration must have an id and no inline keys; new ones keep
   * their place in creation order when replaced.
   */
  void putConfiguration(AccessKeyConfiguration configuration);

  /**
   * As {@link #replaceAccessKey}, for a configuration (which must have an id and no inline keys): replaces only
   * when one with its id exists, keeping its place in creation order; answers whether it replaced. The default
   * is not atomic against a concurrent delete.
   */
  default boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    String id = configuration.id();
    if (id == null || configuration(id) == null) {
      return false;
    }
    putConfiguration(configuration);
    return true;
  }

  boolean deleteConfiguration(String id);

  void putProviderKey(ProviderKey key);

  /**
   * As {@link #replaceAccessKey}, for a provider key (its secret value included): replaces only when one with
   * its id exists; answers whether it replaced. The default is not atomic against a concurrent delete.
   */
  default boolean replaceProviderKey(ProviderKey key) {
    if (providerKey(key.id()) == null) {
      return false;
    }
    putProviderKey(key);
    return true;
  }

  boolean deleteProviderKey(String id);

  void putProvider(CustomProvider provider);

  /**
   * As {@link #replaceAccessKey}, for a custom provider, keyed by its provider id (not its {@code aigp_} id):
   * replaces only when one with that provider id exists; answers whether it replaced. The default is not atomic against a concurrent
   * delete.
   */
  default boolean replaceProvider(CustomProvider provider) {
    if (provider(provider.providerId()) == null) {
      return false;
    }
    putProvider(provider);
    return true;
  }

  /** Removes by {@code providerId}. */
  boolean deleteProvider(String providerId);

  void putVirtualModel(VirtualModel model);

  /**
   * As {@link #replaceAccessKey}, for a virtual model: replaces only when one with its id exists; answers whether
   * it replaced. The default is not atomic against a concurrent delete.
   */
  default boolean replaceVirtualModel(VirtualModel model) {
    if (virtualModel(model.id()) == null) {
      return false;
    }
    putVirtualModel(model);
    return true;
  }

  boolean deleteVirtualModel(String id);

  /** Records that an access key was used; a store may coalesce or drop these. Default: ignore. */
  default void touchAccessKey(String id, java.time.Instant when) {}

  /**
   * An admin API key by id, or null. The management API reads every admin key once after each change the
   * store reports ({@link ResourceType#ADMIN_KEY}), not per request.
   */
  @Nullable AdminKey adminKey(String id);

  /** Admin API keys in descending id order (newest first), strictly before {@code beforeId} when given. */
  List<AdminKey> adminKeys(@Nullable String beforeId, int limit);

  /** Inserts or replaces (by id). */
  void putAdminKey(AdminKey key);

  /**
   * As {@link #replaceAccessKey}, for an admin API key: replaces only when one with its id exists; answers
   * whether it replaced. The default is not atomic against a concurrent delete.
   */
  default boolean replaceAdminKey(AdminKey key) {
    if (adminKey(key.id()) == null) {
      return false;
    }
    putAdminKey(key);
    return true;
  }

  /** Removes; answers whether it existed. */
  boolean deleteAdminKey(String id);

  /**
   * Deletes the admin API key {@code id} only while at least one other admin API key remains in the store, so
   * that concurrent deleters (in this process or in others sharing the store) can never leave none: of two
   * deleting the last two keys at once, one answers {@link AdminKeyDeletion#LAST}. Tells the listeners as
   * {@link #deleteAdminKey} does when it deleted.
   *
   * <p>Default: {@link #adminKey}, {@link #adminKeys} and {@link #deleteAdminKey}, which is atomic only within one
   * process (the caller serialises); a store that several processes share overrides it with one atomic operation.
   */
  default AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    if (adminKey(id) == null) {
      return AdminKeyDeletion.NOT_FOUND;
    }
    if (adminKeys(null, 2).size() < 2) {
      return AdminKeyDeletion.LAST;
    }
    return deleteAdminKey(id) ? AdminKeyDeletion.DELETED : AdminKeyDeletion.NOT_FOUND;
  }

  /** What {@link #deleteAdminKeyUnlessLast} did. */
  enum AdminKeyDeletion {
    /** The key existed, another remains, and it is deleted. */
    DELETED,
    /** No admin API key has that id; nothing changed. */
    NOT_FOUND,
    /** It is the only admin API key in the store; nothing changed. */
    LAST
  }

  /** Records that an admin API key was used; a store may coalesce or drop these. Default: ignore. */
  default void touchAdminKey(String id, java.time.Instant when) {}

  /**
   * The account-wide gateway configuration ({@code /gateway-config}: the request limits and the account
   * settings) as the JSON document the gateway wrote with {@link #putGatewayConfig}, or null when none was
   * saved here. A store keeps the document as given and need not read it. Default: null (not kept here).
   */
  default @Nullable String gatewayConfig() {
    return null;
  }

  /**
   * Replaces the gateway configuration document (one per store), then reports
   * {@link ResourceType#GATEWAY_CONFIG} with the id {@link #GATEWAY_CONFIG_ID} to the listeners, so every
   * gateway on this store (on other instances too, for a shared store) applies it. Answers whether this store
   * keeps it; a store that answers false leaves saving it to the host. Default: false (not kept here).
   */
  default boolean putGatewayConfig(String json) {
    return false;
  }

  /**
   * Changes the gateway configuration document in one step: {@code change} is given the document stored now (null
   * when none) and answers the document to keep, which is then stored and reported as {@link #putGatewayConfig}
   * does. A store shared by several processes runs {@code change} against its newest document while no other
   * update of it runs (on any instance), so two partial changes made at once (a {@code PATCH} of different fields
   * on two instances) both take effect. When {@code change} throws, nothing is stored.
   *
   * <p>Default: {@link #gatewayConfig()}, then {@link #putGatewayConfig}, holding this store's monitor: atomic
   * against the other updates through this store object, never across processes sharing a store. A store that does not keep the document may call
   * {@code change} and then answers null.
   *
   * @return the document stored, or null when this store does not keep a gateway configuration
   */
  default @Nullable String updateGatewayConfig(GatewayConfigChange change) {
    synchronized (this) {
      String next = Objects.requireNonNull(change.apply(gatewayConfig()), "the changed document");
      return putGatewayConfig(next) ? next : null;
    }
  }

  /** A change of the gateway configuration document, for {@link #updateGatewayConfig}. */
  @FunctionalInterface
  interface GatewayConfigChange {
    /** Answers the document to keep, given the one stored now (null when none). */
    String apply(@Nullable String current);
  }

  /** The id reported with {@link ResourceType#GATEWAY_CONFIG}: there is one gateway configuration per store. */
  String GATEWAY_CONFIG_ID = "gateway-config";

  void addListener(Listener listener);

  /** Told after each mutation is visible. Must be fast and must not call back into mutations. */
  @FunctionalInterface
  interface Listener {
    void changed(ResourceType type, String id);
  }
}
