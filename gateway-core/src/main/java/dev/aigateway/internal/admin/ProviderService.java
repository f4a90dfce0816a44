package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_METADATA;
import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.notFound;
import static dev.aigateway.internal.admin.AdminSupport.pageOf;
import static dev.aigateway.internal.admin.AdminSupport.replaced;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderAdmin;
import dev.aigateway.catalog.Provider;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Custom providers: a new {@code providerId} that no built-in provider holds, a base URL the guard
 * accepts, surfaces and models listed once each; deleted only while no provider key or configuration
 * references the provider (checked under the shared lock).
 */
final class ProviderService implements ProviderAdmin {
  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");

  private final AdminSupport support;
  private final KeyStore store;
  private final RoutingView routing;
  private final BaseUrlGuard guard;

  ProviderService(AdminSupport support, RoutingView routing, BaseUrlGuard guard) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
    this.routing = Objects.requireNonNull(routing, "routing");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  /**
   * Creates a custom provider. {@code id}, {@code createdAt} and {@code updatedAt} of the draft are
   * ignored; {@code providerId} must be new and must not be a built-in provider's.
   */
  @Override
  public CustomProvider create(CustomProvider.Builder draft) {
    Objects.requireNonNull(draft, "draft");
    synchronized (support.lock()) {
      Instant now = support.now();
      CustomProvider p = draft.id(Ids.newId(Ids.PROVIDER)).createdAt(now).updatedAt(now).build();
      checkProvider(p);
      if (routing.resolver().catalog().isKnown(p.providerId())) {
        Provider existing = routing.resolver().catalog().provider(p.providerId());
        throw new GatewayException(ErrorCode.CONFLICT, "providerId '" + p.providerId() + "' is already taken by "
            + (existing != null && existing.isBuiltIn() ? "a built-in provider" : "a custom provider") + ".");
      }
      store.putProvider(p);
      return p;
    }
  }

  /** By {@code providerId}, or else by resource id. */
  @Override
  public CustomProvider get(String providerId) {
    CustomProvider p = store.provider(Objects.requireNonNull(providerId, "providerId"));
    if (p == null) {
      for (CustomProvider c : store.providers()) {
        if (c.id().equals(providerId)) {
          return c;
        }
      }
      throw notFound("provider", providerId);
    }
    return p;
  }

  @Override
  public Page<CustomProvider> list(@Nullable String beforeId, int limit) {
    return pageOf(store::providers, beforeId, limit, CustomProvider::id);
  }

  /** Replaces the provider's fields with those of {@code change} ({@code providerId} cannot change). */
  @Override
  public CustomProvider update(String providerId, UnaryOperator<CustomProvider.Builder> change) {
    synchronized (support.lock()) {
      CustomProvider p = get(providerId);
      CustomProvider updated = change.apply(p.toBuilder()).updatedAt(support.now()).build();
      if (!updated.providerId().equals(p.providerId()) || !updated.id().equals(p.id())) {
        throw new ConfigurationException("providerId", "cannot be changed");
      }
      checkProvider(updated);
      return replaced(store.replaceProvider(updated), updated, "provider", providerId);
    }
  }

  /** Deletes a custom provider; refused while a provider key or a configuration references it. */
  @Override
  public void delete(String providerId) {
    synchronized (support.lock()) {
      CustomProvider p = get(providerId);
      for (ProviderKey k : store.providerKeys()) {
        if (k.providerId().equals(p.providerId())) {
          throw new GatewayException(ErrorCode.CONFLICT, "Provider " + p.providerId()
              + " is referenced by provider key " + k.id() + ".");
        }
      }
      for (AccessKeyConfiguration c : store.configurations()) {
        if (mentions(c, p)) {
          throw new GatewayException(ErrorCode.CONFLICT, "Provider " + p.providerId()
              + " is referenced by configuration " + c.id() + ".");
        }
      }
      store.deleteProvider(p.providerId());
    }
  }

  private static boolean mentions(AccessKeyConfiguration c, CustomProvider p) {
    Predicate<String> isP = s -> s.equals(p.providerId()) || s.equals(p.id())
        || s.startsWith(p.providerId() + ":") || s.startsWith(p.providerId() + "/");
    List<String> providers = c.effectiveAccess().allowedProviders();
    List<String> models = c.effectiveAccess().allowedModels();
    if ((providers != null && providers.stream().anyMatch(isP)) || (models != null && models.stream().anyMatch(isP))) {
      return true;
    }
    if (c.rules() != null) {
      for (RoutingRule r : c.rules()) {
        if ((r.provider() != null && isP.test(r.provider())) || (r.model() != null && isP.test(r.model()))) {
          return true;
        }
      }
    }
    return false;
  }

  private void checkProvider(CustomProvider p) {
    if (!PROVIDER_ID.matcher(p.providerId()).matches()) {
      throw new ConfigurationException("providerId", "must be 1 to 255 characters of a-z, 0-9, '.', '_', '-' "
          + "starting with a letter or digit");
    }
    text(p.name(), "name", MAX_NAME);
    text(p.metadata(), "metadata", MAX_METADATA);
    guard.check("baseUrl", p.baseUrl());
    Set<Surface> seen = new HashSet<>();
    for (int i = 0; i < p.supportedApiSurfaces().size(); i++) {
      SurfaceSupport s = p.supportedApiSurfaces().get(i);
      if (!seen.add(s.surface())) {
        throw new ConfigurationException("supportedApiSurfaces[" + i + "].surface", "is listed twice");
      }
    }
    Set<String> models = new HashSet<>();
    for (int i = 0; i < p.models().size(); i++) {
      String m = p.models().get(i);
      if (m == null || m.isEmpty() || m.length() > 512) {
        throw new ConfigurationException("models[" + i + "].modelId", "must be 1 to 512 characters");
      }
      if (!models.add(m.toLowerCase(Locale.ROOT))) {
        throw new ConfigurationException("models[" + i + "].modelId", "'" + ModelResolver.display(m) + "' is listed twice");
      }
    }
    if (p.authHeader() != null && !p.authHeader().matches("[A-Za-z0-9-]{1,64}")) {
      throw new ConfigurationException("authHeader", "must be a header name of letters, digits and '-'");
    }
    if (p.authValuePrefix() != null && !p.authValuePrefix().matches("[\\x20-\\x7e]{0,64}")) {
      throw new ConfigurationException("authValuePrefix", "must be at most 64 printable ASCII characters");
    }
  }
}
