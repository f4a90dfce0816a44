package dev.aigateway.functional;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A store that forwards everything, for spies. */
class ForwardingKeyStore implements KeyStore {
  private final KeyStore delegate;

  ForwardingKeyStore(KeyStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public @Nullable AccessKey accessKey(String id) {
    return delegate.accessKey(id);
  }

  @Override
  public List<AccessKey> accessKeys(@Nullable String beforeId, int limit) {
    return delegate.accessKeys(beforeId, limit);
  }

  @Override
  public @Nullable AccessKeyConfiguration configuration(String id) {
    return delegate.configuration(id);
  }

  @Override
  public List<AccessKeyConfiguration> configurations() {
    return delegate.configurations();
  }

  @Override
  public @Nullable ProviderKey providerKey(String id) {
    return delegate.providerKey(id);
  }

  @Override
  public List<ProviderKey> providerKeys() {
    return delegate.providerKeys();
  }

  @Override
  public @Nullable CustomProvider provider(String providerId) {
    return delegate.provider(providerId);
  }

  @Override
  public List<CustomProvider> providers() {
    return delegate.providers();
  }

  @Override
  public @Nullable VirtualModel virtualModel(String id) {
    return delegate.virtualModel(id);
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
  public boolean deleteAccessKey(String id) {
    return delegate.deleteAccessKey(id);
  }

  @Override
  public void putConfiguration(AccessKeyConfiguration configuration) {
    delegate.putConfiguration(configuration);
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
  public boolean deleteProviderKey(String id) {
    return delegate.deleteProviderKey(id);
  }

  @Override
  public void putProvider(CustomProvider provider) {
    delegate.putProvider(provider);
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
  public boolean deleteVirtualModel(String id) {
    return delegate.deleteVirtualModel(id);
  }

  @Override
  public void addListener(Listener listener) {
    delegate.addListener(listener);
  }

  @Override
  public @Nullable AdminKey adminKey(String id) {
    return delegate.adminKey(id);
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
  public boolean deleteAdminKey(String id) {
    return delegate.deleteAdminKey(id);
  }

  @Override
  public void touchAdminKey(String id, java.time.Instant when) {
    delegate.touchAdminKey(id, when);
  }

  @Override
  public boolean replaceAccessKey(AccessKey key) {
    return delegate.replaceAccessKey(key);
  }

  @Override
  public boolean replaceConfiguration(AccessKeyConfiguration configuration) {
    return delegate.replaceConfiguration(configuration);
  }

  @Override
  public boolean replaceProviderKey(ProviderKey key) {
    return delegate.replaceProviderKey(key);
  }

  @Override
  public boolean replaceProvider(CustomProvider provider) {
    return delegate.replaceProvider(provider);
  }

  @Override
  public boolean replaceVirtualModel(VirtualModel model) {
    return delegate.replaceVirtualModel(model);
  }

  @Override
  public boolean replaceAdminKey(AdminKey key) {
    return delegate.replaceAdminKey(key);
  }

  @Override
  public AdminKeyDeletion deleteAdminKeyUnlessLast(String id) {
    return delegate.deleteAdminKeyUnlessLast(id);
  }
}
