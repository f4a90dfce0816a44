package dev.aigateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.Surface;
import dev.aigateway.internal.json.Json;
import dev.aigateway.resource.CustomProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.time.LocalDate;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The providers the gateway knows: the built-in catalog (a resource file of this library) plus the
 * custom providers of the store. Immutable; {@link #withCustom} and {@link #withBaseUrl} return copies.
 */
public final class ProviderCatalog {
  private static final ProviderCatalog BUILT_IN = load();

  private final Map<String, Provider> providers;
  private final Map<String, Provider> byResourceId;

  private ProviderCatalog(Map<String, Provider> providers) {
    this.providers = providers;
    Map<String, Provider> byRes = new LinkedHashMap<>();
    for (Provider p : providers.values()) {
      if (p.resourceId() != null) {
        byRes.put(p.resourceId(), p);
      }
    }
    this.byResourceId = byRes;
  }

  /**
   * The built-in providers: openai, anthropic, google, mistral, groq, deepseek, openrouter, xai, moonshotai,
   * z-ai, hyperbolic, inceptionlabs, inference-net, with the prices the catalog could confirm.
   */
  public static ProviderCatalog builtIn() {
    return BUILT_IN;
  }

  /** This catalog plus the given custom providers (which may not reuse a built-in id). */
  public ProviderCatalog withCustom(Collection<CustomProvider> custom) {
    if (custom.isEmpty()) {
      return this;
    }
    Map<String, Provider> copy = new LinkedHashMap<>(providers);
    for (CustomProvider c : custom) {
      Provider existing = copy.get(c.providerId());
      if (existing != null && existing.isBuiltIn()) {
        continue;
      }
      copy.put(c.providerId(), Provider.of(c));
    }
    return new ProviderCatalog(copy);
  }

  /** A copy in which one provider's base URL is replaced. */
  public ProviderCatalog withBaseUrl(String providerId, String baseUrl) {
    Provider p = providers.get(providerId);
    if (p == null) {
      throw new IllegalArgumentException("unknown provider '" + providerId + "'");
    }
    Map<String, Provider> copy = new LinkedHashMap<>(providers);
    copy.put(providerId, p.withBaseUrl(baseUrl));
    return new ProviderCatalog(copy);
  }

  /** The provider with this id (exact, case-sensitive), or null. */
  public @Nullable Provider provider(String providerId) {
    return providers.get(providerId);
  }

  /** A custom provider by its resource id ({@code aigp_...}), or null. */
  public @Nullable Provider byResourceId(String resourceId) {
    return byResourceId.get(resourceId);
  }

  public boolean isKnown(String providerId) {
    return providers.containsKey(providerId);
  }

  /** All providers, built-ins first in catalog order, then custom providers. */
  public Collection<Provider> providers() {
    return providers.values();
  }

  private static ProviderCatalog load() {
    try (InputStream in = ProviderCatalog.class.getResourceAsStream("providers.json")) {
      if (in == null) {
        throw new IllegalStateException("built-in provider catalog is missing from the classpath");
      }
      JsonNode root = Json.MAPPER.readTree(in);
      Map<String, Provider> out = new LinkedHashMap<>();
      for (JsonNode n : root.get("providers")) {
        EnumSet<Surface> surfaces = EnumSet.noneOf(Surface.class);
        for (JsonNode s : n.get("surfaces")) {
          surfaces.add(Objects.requireNonNull(Surface.fromId(s.asText()), s.asText()));
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        JsonNode dh = n.get("defaultHeaders");
        if (dh != null) {
          dh.properties().forEach(e -> defaults.put(e.getKey(), e.getValue().asText()));
        }
        String id = n.get("id").asText();
        out.put(id, new Provider(id, null, n.get("name").asText(), n.get("baseUrl").asText(),
            Surface.Format.valueOf(n.get("format").asText().toUpperCase(java.util.Locale.ROOT)),
            n.get("auth").get("header").asText(), n.get("auth").get("prefix").asText(), defaults, surfaces,
            strings(n.get("models")), strings(n.get("families")), n.get("managed").asBoolean(), true, Map.of(),
            prices(id, n.get("pricing"), strings(n.get("models")))));
      }
      return new ProviderCatalog(out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the built-in provider catalog", e);
    }
  }

  private static Map<String, ModelPrice> prices(String providerId, @Nullable JsonNode pricing, List<String> models) {
    if (pricing == null) {
      return Map.of();
    }
    LocalDate asOf = LocalDate.parse(pricing.get("asOf").asText());
    Map<String, ModelPrice> out = new LinkedHashMap<>();
    pricing.get("models").properties().forEach(e -> {
      if (!models.contains(e.getKey())) {
        throw new IllegalStateException("catalog: " + providerId + " prices " + e.getKey() + ", which it does not list");
      }
      out.put(e.getKey(), new ModelPrice(e.getValue().get("input").decimalValue(),
          e.getValue().get("output").decimalValue(), asOf));
    });
    return out;
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(x -> out.add(x.asText()));
    return out;
  }
}
