package dev.aigateway.catalog;

import dev.aigateway.Surface;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.SurfaceSupport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A provider the gateway can call: a built-in from the catalog or a custom provider. Immutable.
 */
public final class Provider {
  private final String id;
  private final @Nullable String resourceId;
  private final String name;
  private final String baseUrl;
  private final Surface.Format format;
  private final String authHeader;
  private final String authPrefix;
  private final Map<String, String> defaultHeaders;
  private final Set<Surface> surfaces;
  private final List<String> models;
  private final Map<String, String> modelIndex;
  private final List<String> families;
  private final boolean managed;
  private final boolean builtIn;
  private final Map<Surface, Set<String>> supportedParams;
  private final Map<String, ModelPrice> prices;

  Provider(String id, @Nullable String resourceId, String name, String baseUrl, Surface.Format format,
      String authHeader, String authPrefix, Map<String, String> defaultHeaders, Set<Surface> surfaces,
      List<String> models, List<String> families, boolean managed, boolean builtIn,
      Map<Surface, Set<String>> supportedParams, Map<String, ModelPrice> prices) {
    this.id = Objects.requireNonNull(id, "id");
    this.resourceId = resourceId;
    this.name = name;
    this.baseUrl = stripTrailingSlash(baseUrl);
    this.format = format;
    this.authHeader = authHeader;
    this.authPrefix = authPrefix;
    this.defaultHeaders = Map.copyOf(defaultHeaders);
    this.surfaces = surfaces.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(surfaces));
    this.models = List.copyOf(models);
    Map<String, String> idx = new HashMap<>();
    for (String m : models) {
      idx.putIfAbsent(m.toLowerCase(Locale.ROOT), m);
    }
    this.modelIndex = Map.copyOf(idx);
    List<String> fam = new ArrayList<>();
    for (String f : families) {
      fam.add(f.toLowerCase(Locale.ROOT));
    }
    this.families = List.copyOf(fam);
    this.managed = managed;
    this.builtIn = builtIn;
    this.supportedParams = Map.copyOf(supportedParams);
    Map<String, ModelPrice> pr = new HashMap<>();
    prices.forEach((m, p) -> pr.put(m.toLowerCase(Locale.ROOT), p));
    this.prices = Map.copyOf(pr);
  }

  /** The provider as the gateway sees a custom provider resource. */
  public static Provider of(CustomProvider p) {
    EnumSet<Surface> surfaces = EnumSet.noneOf(Surface.class);
    Surface.Format format = Surface.Format.OPENAI;
    Map<Surface, Set<String>> params = new HashMap<>();
    for (SurfaceSupport s : p.supportedApiSurfaces()) {
      surfaces.add(s.surface());
      if (!s.supportedParams().isEmpty()) {
        params.put(s.surface(), Set.copyOf(s.supportedParams()));
      }
      if (s.format() == Surface.Format.ANTHROPIC) {
        format = Surface.Format.ANTHROPIC;
      }
    }
    if (surfaces.isEmpty()) {
      surfaces.add(Surface.CHAT_COMPLETIONS);
    }
    String header = p.authHeader() != null ? p.authHeader()
        : format == Surface.Format.ANTHROPIC ? "x-api-key" : "Authorization";
    String prefix = p.authValuePrefix() != null ? p.authValuePrefix()
        : header.equalsIgnoreCase("Authorization") ? "Bearer " : "";
    Map<String, String> defaults = format == Surface.Format.ANTHROPIC
        ? Map.of("anthropic-version", "2023-06-01") : Map.of();
    return new Provider(p.providerId(), p.id(), p.name(), p.baseUrl(), format, header, prefix, defaults, surfaces,
        p.models(), List.of(), false, false, params, Map.of());
  }

  /** The provider id used in model strings and rules: {@code openai}, or a custom {@code providerId}. */
  public String id() {
    return id;
  }

  /** For a custom provider, its resource id ({@code aigp_...}); null for built-ins. */
  public @Nullable String resourceId() {
    return resourceId;
  }

  public String name() {
    return name;
  }

  /** Base URL including the version segment, without a trailing slash: {@code https://api.openai.com/v1}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The wire format of the provider's native surfaces. */
  public Surface.Format format() {
    return format;
  }

  /** The header that carries the credential: {@code Authorization}, {@code x-api-key}, ... */
  public String authHeader() {
    return authHeader;
  }

  /** What precedes the secret in {@link #authHeader()}: {@code "Bearer "} or empty. */
  public String authPrefix() {
    return authPrefix;
  }

  /** Headers set on upstream requests when the client did not send them ({@code anthropic-version}). */
  public Map<String, String> defaultHeaders() {
    return defaultHeaders;
  }

  public Set<Surface> surfaces() {
    return surfaces;
  }

  public boolean serves(Surface surface) {
    return surfaces.contains(surface);
  }

  /** Known model ids, as the provider spells them. */
  public List<String> models() {
    return models;
  }

  /** The provider's own spelling of a model id, or null if it is not in the catalog. Case-insensitive. */
  public @Nullable String canonicalModel(String modelId) {
    return modelIndex.get(modelId.toLowerCase(Locale.ROOT));
  }

  /** Whether the catalog lists this model; {@code lowercaseModelId} must already be lower case. */
  public boolean lists(String lowercaseModelId) {
    return modelIndex.containsKey(lowercaseModelId);
  }

  /**
   * The catalog's price of a model (case-insensitive), or null when the catalog has none: an uncatalogued
   * model, a catalogued one whose price could not be confirmed, or any model of a custom provider. A managed
   * credential serves only models with a price.
   */
  public @Nullable ModelPrice price(String modelId) {
    return prices.get(modelId.toLowerCase(Locale.ROOT));
  }

  /** Every priced model, keyed by its lowercase id. */
  public Map<String, ModelPrice> prices() {
    return prices;
  }

  /** Lowercase prefixes that mark a bare model id as this provider's ({@code gpt-}, {@code claude-}). */
  public List<String> families() {
    return families;
  }

  public boolean inFamily(String lowercaseModelId) {
    for (String f : families) {
      if (lowercaseModelId.startsWith(f)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The top-level request parameters this provider accepts on {@code surface} (a custom provider's
   * {@code supportedParams}); empty when it accepts everything. Others are stripped before sending.
   */
  public Set<String> supportedParams(Surface surface) {
    return supportedParams.getOrDefault(surface, Set.of());
  }

  /** Whether a managed credential may serve this provider. */
  public boolean acceptsManagedCredentials() {
    return managed;
  }

  public boolean isBuiltIn() {
    return builtIn;
  }

  /** A copy with another base URL (for tests, local mocks or regional endpoints). */
  public Provider withBaseUrl(String newBaseUrl) {
    return new Provider(id, resourceId, name, newBaseUrl, format, authHeader, authPrefix, defaultHeaders, surfaces,
        models, families, managed, builtIn, supportedParams, prices);
  }

  private static String stripTrailingSlash(String url) {
    String u = url;
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  @Override
  public String toString() {
    return "Provider[" + id + (builtIn ? "" : " (custom)") + ", " + baseUrl + "]";
  }
}
