package dev.aigateway.micrometer;

import dev.aigateway.catalog.Provider;
import dev.aigateway.catalog.ProviderCatalog;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@code model} tag of a model sent upstream, with bounded cardinality: the catalog's spelling of a
 * model it lists; the lower-case id of the first {@code limit} others; {@code other} after that.
 * Thread-safe.
 */
final class ModelTags {
  static final String OTHER = "other";
  /** Longer ids are never a tag of their own. */
  static final int MAX_LENGTH = 128;

  private final int limit;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private volatile Supplier<ProviderCatalog> catalog = ProviderCatalog::builtIn;

  ModelTags(int limit) {
    this.limit = limit;
  }

  void catalog(Supplier<ProviderCatalog> catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  String tag(String providerId, String model) {
    Provider provider = catalog.get().provider(providerId);
    if (provider != null) {
      String known = provider.canonicalModel(model);
      if (known != null) {
        return known;
      }
    }
    if (model.length() > MAX_LENGTH) {
      return OTHER;
    }
    String id = model.toLowerCase(Locale.ROOT);
    if (admitted.contains(id)) {
      return id;
    }
    synchronized (admitted) {
      if (admitted.size() < limit) {
        admitted.add(id);
        return id;
      }
    }
    return admitted.contains(id) ? id : OTHER;
  }
}
