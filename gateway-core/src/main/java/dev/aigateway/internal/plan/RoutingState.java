package dev.aigateway.internal.plan;

import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of everything routing needs except access keys: the catalog with custom
 * providers, provider keys by provider in creation order, virtual models by name, and configurations
 * compiled on first use. Replaced as a whole when any of those change in the store.
 */
public final class RoutingState {
  public final ModelResolver resolver;
  public final Map<String, List<ProviderKey>> keysByProvider;
  public final Map<String, ProviderKey> keysById;
  public final Map<String, VirtualModel> virtualByName;
  private final KeyStore store;
  private final ConcurrentHashMap<String, CompiledConfiguration> compiled = new ConcurrentHashMap<>();

  public RoutingState(ProviderCatalog builtIns, KeyStore store) {
    this.store = store;
    this.resolver = new ModelResolver(builtIns.withCustom(store.providers()));
    Map<String, List<ProviderKey>> byProvider = new HashMap<>();
    Map<String, ProviderKey> byId = new HashMap<>();
    for (ProviderKey k : store.providerKeys()) {
      byProvider.computeIfAbsent(k.providerId(), x -> new ArrayList<>()).add(k);
      byId.put(k.id(), k);
    }
    byProvider.replaceAll((k, v) -> List.copyOf(v));
    this.keysByProvider = Map.copyOf(byProvider);
    this.keysById = Map.copyOf(byId);
    Map<String, VirtualModel> vms = new HashMap<>();
    for (VirtualModel vm : store.virtualModels()) {
      vms.put(vm.name().toLowerCase(Locale.ROOT), vm);
    }
    this.virtualByName = Map.copyOf(vms);
  }

  /** The compiled configuration, or null if the store no longer has it. */
  public @Nullable CompiledConfiguration configuration(String id) {
    CompiledConfiguration c = compiled.get(id);
    if (c != null) {
      return c;
    }
    AccessKeyConfiguration source = store.configuration(id);
    if (source == null) {
      return null;
    }
    CompiledConfiguration fresh = compile(source, false);
    CompiledConfiguration prior = compiled.putIfAbsent(id, fresh);
    return prior != null ? prior : fresh;
  }

  public CompiledConfiguration compile(AccessKeyConfiguration c, boolean strict) {
    return CompiledConfiguration.compile(c, resolver, strict, virtualByName::containsKey, keysById::get);
  }

  public List<ProviderKey> providerKeys(String providerId) {
    return keysByProvider.getOrDefault(providerId, List.of());
  }
}
