package dev.aigateway.internal.plan;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.Provider;
import dev.aigateway.catalog.ProviderCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The model-string grammar: {@code provider:model} pins the provider (split at the first {@code :});
 * {@code provider/model} with a known first segment means the same; a bare id resolves among providers
 * serving the surface through the catalog's exact ids, then the key's allow-list entries, then the
 * built-in providers' model families.
 */
public final class ModelResolver {
  /** A resolved model string. */
  public record Resolved(Provider provider, String model, String resolvedBy) {}

  /** Allow-list hints: lowercase bare model id to providers, in allow-list order. */
  public interface Hints {
    List<String> providersFor(String lowercaseModel);
  }

  public static final Hints NO_HINTS = m -> List.of();

  private final ProviderCatalog catalog;
  private final Map<String, List<Provider>> exact;

  public ModelResolver(ProviderCatalog catalog) {
    this.catalog = catalog;
    Map<String, List<Provider>> idx = new HashMap<>();
    for (Provider p : catalog.providers()) {
      for (String m : p.models()) {
        idx.computeIfAbsent(m.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(p);
      }
    }
    idx.replaceAll((k, v) -> List.copyOf(v));
    this.exact = idx;
  }

  public ProviderCatalog catalog() {
    return catalog;
  }

  /**
   * Resolves {@code s} for {@code surface} (null: any surface). Throws {@link GatewayException} with
   * {@code model_not_found}, {@code provider_not_found} or {@code unsupported_surface}.
   */
  public Resolved resolve(String s, @Nullable Surface surface, Hints hints) {
    if (s.isEmpty() || s.isBlank()) {
      throw new GatewayException(ErrorCode.MODEL_NOT_FOUND, "The model name is empty.");
    }
    int colon = s.indexOf(':');
    if (colon >= 0) {
      String pid = s.substring(0, colon);
      Provider p = catalog.provider(pid);
      if (p != null) {
        return pinned(p, s.substring(colon + 1), s, surface);
      }
      Resolved bare = bare(s, s.toLowerCase(Locale.ROOT), surface, hints);
      if (bare != null) {
        return bare;
      }
      throw new GatewayException(ErrorCode.PROVIDER_NOT_FOUND,
          "\"" + display(s) + "\" is not a known model, and \"" + display(pid) + "\" is not a recognized provider.");
    }
    int slash = s.indexOf('/');
    if (slash > 0) {
      Provider p = catalog.provider(s.substring(0, slash));
      if (p != null) {
        return pinned(p, s.substring(slash + 1), s, surface);
      }
    }
    String lower = s.toLowerCase(Locale.ROOT);
    Resolved r = bare(s, lower, surface, hints);
    if (r != null) {
      return r;
    }
    if (surface != null) {
      Resolved any = bare(s, lower, null, hints);
      if (any != null) {
        throw new GatewayException(ErrorCode.UNSUPPORTED_SURFACE, "Provider \"" + any.provider().id()
            + "\" does not support API surface \"" + surface.id() + "\" (model \"" + display(s) + "\").");
      }
    }
    throw new GatewayException(ErrorCode.MODEL_NOT_FOUND, "Unknown model \"" + display(s)
        + "\". Pin a provider (\"provider:model\") to pass an uncatalogued model through.");
  }

  private Resolved pinned(Provider p, String rest, String original, @Nullable Surface surface) {
    if (rest.isEmpty()) {
      throw new GatewayException(ErrorCode.MODEL_NOT_FOUND, "Invalid model address \"" + display(original) + "\".");
    }
    if (surface != null && !p.serves(surface)) {
      throw new GatewayException(ErrorCode.UNSUPPORTED_SURFACE,
          "Provider \"" + p.id() + "\" does not support API surface \"" + surface.id() + "\".");
    }
    return new Resolved(p, canonical(p, rest), "pinned");
  }

  /** The provider's own spelling of {@code model}: the catalog's, else as given ({@code p/m} stripped when known). */
  public static String canonical(Provider p, String model) {
    String c = p.canonicalModel(model);
    if (c != null) {
      return c;
    }
    String selfPrefix = p.id() + "/";
    if (model.regionMatches(true, 0, selfPrefix, 0, selfPrefix.length())) {
      String stripped = p.canonicalModel(model.substring(selfPrefix.length()));
      if (stripped != null) {
        return stripped;
      }
    }
    return model;
  }

  private @Nullable Resolved bare(String s, String lower, @Nullable Surface surface, Hints hints) {
    List<Provider> exactHits = exact.getOrDefault(lower, Collections.emptyList());
    for (Provider p : exactHits) {
      if (surface == null || p.serves(surface)) {
        // the exact index is built from each provider's own model ids, so p knows this one
        return new Resolved(p, Objects.requireNonNull(p.canonicalModel(lower), "canonicalModel"), "catalog");
      }
    }
    for (String pid : hints.providersFor(lower)) {
      Provider p = catalog.provider(pid);
      if (p != null && (surface == null || p.serves(surface))) {
        return new Resolved(p, canonical(p, s), "allow-list");
      }
    }
    for (Provider p : catalog.providers()) {
      if (p.isBuiltIn() && (surface == null || p.serves(surface)) && p.inFamily(lower)) {
        return new Resolved(p, s, "family");
      }
    }
    return null;
  }

  /** A model string shortened and stripped of control characters, for messages. */
  public static String display(String s) {
    String t = s.length() > 120 ? s.substring(0, 120) + "…" : s;
    StringBuilder sb = null;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"') {
        if (sb == null) {
          sb = new StringBuilder(t.substring(0, i));
        }
        sb.append('?');
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? t : sb.toString();
  }
}
