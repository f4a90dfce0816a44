package dev.aigateway.jdbc;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A store that forwards everything to another and, once, runs an action right after a read of a given id has
 * returned it: an interleaving made deterministic (another instance deleting the resource between an update's
 * read and its write), without sleeps.
 */
final class ReadHookKeyStore implements KeyStore {
  private final KeyStore delegate;
  private final AtomicReference<@Nullable Hook> hook = new AtomicReference<>();

  private record Hook(String id, Runnable action) {}

  ReadHookKeyStore(KeyStore delegate) {
    this.delegate = delegate;
  }

  /** Runs {@code action} once, after the next read of {@code id} that finds it. */
  void afterNextRead(String id, Runnable action) {
    hook.set(new Hook(id, action));
  }

  /** Whether the action is still waiting for its read. */
  boolean armed() {
    return hook.get() != null;
  }

  private <T> @Nullable T read(String id, @Nullable T value) {
    Hook h = hook.get();
    if (value != null && h != null && h.id().equals(id) && hook.compareAndSet(h, null)) {
      h.action().run();
    }
    return value;
  }

  @Override
  public @Nullable AccessKey accessKey(String id) {
    return read(id, delegate.accessKey(id));
  }

  @Override
  public List<AccessKey> accessKeys(@Nullable String beforeId, int limit) {
    return delegate.accessKeys(beforeId, limit);
  }

  @Override
  public @Nullable AccessKeyConfiguration configuration(String id) {
    return read(id, delegate.configuration(id));
  }

  @Override
  public List<AccessKeyConfiguration> configurations() {
    return delegate.configurations();
  }

  @Override
  public @Nullable ProviderKey providerKey(String id) {
    return read(id, delegate.providerKey(id));
  }

  @Override
  public List<ProviderKey> providerKeys() {
    return delegate.providerKeys();
  }

  @Override
  public @Nullable CustomProvider provider(String providerId) {
    return read(providerId, delegate.provider(providerId));
  }

  @Override
  public List<CustomProvider> providers() {
    return delegate.providers();
  }

  @Override
  public @Nullable VirtualModel virtualModel(String id) {
    return read(id, delegate.virtualModel(id));
  }

  @Override
  public List<VirtualModel> virtualModels() {
    return delegate.virtualModels();
  }

  @Override
  public void putAccessKey(AccessKey key) {
    delegate.putAccessKey(key);
  }

  @Override
  public boolean replaceAccessKey(AccessKey key) {
    return delegate.replaceAccessKey(key);
  }

  @Override
  public boolean deleteAccessKey(String id) {
    return delegate.deleteAccessKey(id);
  }

  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    delegate.putConfiguration(configuration);
  }

  @Override
  public boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    return delegate.replaceConfiguration(configuration);
  }

  @Override
  public boolean deleteConfiguration(String id) {
    return delegate.deleteConfiguration(id);
  }

  @Override
  public void putProviderKey(ProviderKey key) {
    delegate.putProviderKey(key);
  }

  @Override
  public boolean replaceProviderKey(ProviderKey key) {
    return delegate.replaceProviderKey(key);
  }

  @Override
  public boolean deleteProviderKey(String id) {
    return delegate.deleteProviderKey(id);
  }

  @Override
  public void putProvider(CustomProvider provider) {
    delegate.putProvider(provider);
  }

  @Override
  public boolean replaceProvider(CustomProvider provider) {
    return delegate.replaceProvider(provider);
  }

  @Override
  public boolean deleteProvider(String providerId) {
    return delegate.deleteProvider(providerId);
  }

  @Override
  public void putVirtualModel(VirtualModel model) {
    delegate.putVirtualModel(model);
  }

  @Override
  public boolean replaceVirtualModel(VirtualModel model) {
    return delegate.replaceVirtualModel(model);
  }

  @Override
  public boolean deleteVirtualModel(String id) {
    return delegate.deleteVirtualModel(id);
  }

  @Override
  public void touchAccessKey(String id, Instant when) {
    delegate.touchAccessKey(id, when);
  }

  @Override
  public @Nullable AdminKey adminKey(String id) {
    return read(id, delegate.adminKey(id));
  }

  @Override
  public List<AdminKey> adminKeys(@Nullable String beforeId, int limit) {
    return delegate.adminKeys(beforeId, limit);
  }

  @Override
  public void putAdminKey(AdminKey key) {
    delegate.putAdminKey(key);
  }

  @Override
  public boolean replaceAdminKey(AdminKey key) {
    return delegate.replaceAdminKey(key);
  }

  @Override
  public boolean deleteAdminKey(String id) {
    return delegate.deleteAdminKey(id);
  }

  @Override
  public AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    return delegate.deleteAdminKeyUnlessLast(id);
  }

  @Override
  public void touchAdminKey(String id, Instant when) {
    delegate.touchAdminKey(id, when);
  }

  @Override
  public @Nullable String gatewayConfig() {
    return delegate.gatewayConfig();
  }

  @Override
  public boolean putGatewayConfig(String json) {
    return delegate.putGatewayConfig(json);
  }

  @Override
  public void addListener(Listener listener) {
    delegate.addListener(listener);
  }
}
