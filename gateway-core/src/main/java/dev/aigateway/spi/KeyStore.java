package dev.aigateway.spi;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import java.util.List;
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

  /** Removes; answers whether it existed. */
  boolean deleteAccessKey(String id);

  /**
   * Inserts or replaces (by id). The configuration must have an id and no inline keys; new ones keep
   * their place in creation order when replaced.
   */
  void putConfiguration(AccessKeyConfiguration configuration);

  boolean deleteConfiguration(String id);

  void putProviderKey(ProviderKey key);

  boolean deleteProviderKey(String id);

  void putProvider(CustomProvider provider);

  /** Removes by {@code providerId}. */
  boolean deleteProvider(String providerId);

  void putVirtualModel(VirtualModel model);

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

  /** Removes; answers whether it existed. */
  boolean deleteAdminKey(String id);

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

  /** The id reported with {@link ResourceType#GATEWAY_CONFIG}: there is one gateway configuration per store. */
  String GATEWAY_CONFIG_ID = "gateway-config";

  void addListener(Listener listener);

  /** Told after each mutation is visible. Must be fast and must not call back into mutations. */
  @FunctionalInterface
  interface Listener {
    void changed(ResourceType type, String id);
  }
}
