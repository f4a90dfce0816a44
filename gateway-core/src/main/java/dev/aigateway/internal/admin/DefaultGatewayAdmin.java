package dev.aigateway.internal.admin;

import dev.aigateway.admin.AccessKeyAdmin;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ConfigurationAdmin;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.Field;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderAdmin;
import dev.aigateway.admin.ProviderKeyAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.admin.VirtualModelAdmin;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.Provider;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.internal.auth.SecretDigest;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The management API's implementation: every rule of the reference, each mutation under one lock so
 * that reference checks and the change they guard are atomic. Reached through {@link GatewayAdmin}'s
 * per-resource services.
 */
public final class DefaultGatewayAdmin implements GatewayAdmin {
  private static final Pattern PROVIDER_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,254}");
  private static final Pattern VIRTUAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final KeyStore store;
  private final Clock clock;
  private final AccessTokens tokens;
  private final SecretDigest digest;
  private final RoutingView routing;
  private final dev.aigateway.spi.BaseUrlGuard guard;
  private final Object lock = new Object();

  /** Made by the gateway; hosts use {@code gateway.admin()}. */
  public DefaultGatewayAdmin(KeyStore store, Clock clock, AccessTokens tokens, SecretDigest digest, RoutingView routing,
      dev.aigateway.spi.BaseUrlGuard guard) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.digest = Objects.requireNonNull(digest, "digest");
    this.routing = Objects.requireNonNull(routing, "routing");
    this.guard = Objects.requireNonNull(guard, "guard");
  }

  private final AccessKeyAdmin accessKeys = new AccessKeyAdmin() {
    @Override
    public CreatedAccessKey create(AccessKeyChange fields) {
      return createAccessKey(fields);
    }

    @Override
    public AccessKey get(String id) {
      return accessKey(id);
    }

    @Override
    public Page<AccessKey> list(@Nullable String beforeId, int limit) {
      return listAccessKeys(beforeId, limit);
    }

    @Override
    public AccessKey update(String id, AccessKeyChange change) {
      return updateAccessKey(id, change);
    }

    @Override
    public void delete(String id) {
      deleteAccessKey(id);
    }
  };

  private final ConfigurationAdmin configurations = new ConfigurationAdmin() {
    @Override
    public AccessKeyConfiguration create(AccessKeyConfiguration draft) {
      return createConfiguration(draft);
    }

    @Override
    public AccessKeyConfiguration get(String id) {
      return configuration(id);
    }

    @Override
    public Page<AccessKeyConfiguration> list(@Nullable String beforeId, int limit) {
      return listConfigurations(beforeId, limit);
    }

    @Override
    public AccessKeyConfiguration update(String id, ConfigurationChange change) {
      return updateConfiguration(id, change);
    }

    @Override
    public void delete(String id) {
      deleteConfiguration(id);
    }
  };

  private final ProviderKeyAdmin providerKeys = new ProviderKeyAdmin() {
    @Override
    public ProviderKey create(ProviderKeyChange fields) {
      return createProviderKey(fields);
    }

    @Override
    public ProviderKey get(String id) {
      return providerKey(id);
    }

    @Override
    public Page<ProviderKey> list(@Nullable String providerId, @Nullable String beforeId, int limit) {
      return listProviderKeys(providerId, beforeId, limit);
    }

    @Override
    public ProviderKey update(String id, ProviderKeyChange change) {
      return updateProviderKey(id, change);
    }

    @Override
    public ProviderKey rotate(String id, String name, SecretValue value) {
      return rotateProviderKey(id, name, value);
    }

    @Override
    public void delete(String id) {
      deleteProviderKey(id);
    }
  };

  private final ProviderAdmin providers = new ProviderAdmin() {
    @Override
    public CustomProvider create(CustomProvider.Builder draft) {
      return createProvider(draft);
    }

    @Override
    public CustomProvider get(String providerId) {
      return provider(providerId);
    }

    @Override
    public Page<CustomProvider> list(@Nullable String beforeId, int limit) {
      return listProviders(beforeId, limit);
    }

    @Override
    public CustomProvider update(String providerId, UnaryOperator<CustomProvider.Builder> change) {
      return updateProvider(providerId, change);
    }

    @Override
    public void delete(String providerId) {
      deleteProvider(providerId);
    }
  };

  private final VirtualModelAdmin virtualModels = new VirtualModelAdmin() {
    @Override
    public VirtualModel create(String name, @Nullable String description, List<String> targets) {
      return createVirtualModel(name, description, targets);
    }

    @Override
    public VirtualModel get(String id) {
      return virtualModel(id);
    }

    @Override
    public Page<VirtualModel> list(@Nullable String beforeId, int limit) {
      return listVirtualModels(beforeId, limit);
    }

    @Override
    public VirtualModel update(String id, @Nullable String name, Field<String> description,
        @Nullable List<String> targets) {
      return updateVirtualModel(id, name, description, targets);
    }

    @Override
    public void delete(String id) {
      deleteVirtualModel(id);
    }
  };

  @Override
  public AccessKeyAdmin accessKeys() {
    return accessKeys;
  }

  @Override
  public ConfigurationAdmin configurations() {
    return configurations;
  }

  @Override
  public ProviderKeyAdmin providerKeys() {
    return providerKeys;
  }

  @Override
  public ProviderAdmin providers() {
    return providers;
  }

  @Override
  public VirtualModelAdmin virtualModels() {
    return virtualModels;
  }

  // ---------------------------------------------------------------- access keys

  /** Creates an access key; the result holds its token, shown this once. */
  private CreatedAccessKey createAccessKey(AccessKeyChange fields) {
    Objects.requireNonNull(fields, "fields");
    synchronized (lock) {
      String configId = fields.configurationId().value();
      if (configId != null) {
        requireConfiguration(configId, "accessKeyConfigurationId");
      }
      String id = Ids.newId(Ids.ACCESS_KEY);
      String token = tokens.newToken(id);
      Instant now = now();
      AccessKey key = AccessKey.builder()
          .id(id)
          .name(text(fields.name().value(), "name", MAX_NAME))
          .description(text(fields.description().value(), "description", MAX_NAME))
          .metadata(text(fields.metadata().value(), "metadata", MAX_METADATA))
          .configurationId(configId)
          .keyRedacted(tokens.redact(token))
          .secretDigest(digest.digest(token, tokens.secretStart(), token.length() - AccessTokens.CHECKSUM_LENGTH))
          .createdAt(now)
          .updatedAt(now)
          .build();
      store.putAccessKey(key);
      return new CreatedAccessKey(key, token);
    }
  }

  private AccessKey accessKey(String id) {
    AccessKey k = store.accessKey(Objects.requireNonNull(id, "id"));
    if (k == null) {
      throw notFound("access key", id);
    }
    return k;
  }

  private Page<AccessKey> listAccessKeys(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    List<AccessKey> items = store.accessKeys(beforeId, limit + 1);
    return page(items, limit, AccessKey::id);
  }

  private AccessKey updateAccessKey(String id, AccessKeyChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (lock) {
      AccessKey k = accessKey(id);
      String configId = change.configurationId().orElse(k.configurationId());
      if (change.configurationId().isPresent() && configId != null) {
        requireConfiguration(configId, "accessKeyConfigurationId");
      }
      AccessKey updated = k.toBuilder()
          .name(text(change.name().orElse(k.name()), "name", MAX_NAME))
          .description(text(change.description().orElse(k.description()), "description", MAX_NAME))
          .metadata(text(change.metadata().orElse(k.metadata()), "metadata", MAX_METADATA))
          .configurationId(configId)
          .updatedAt(now())
          .build();
      store.putAccessKey(updated);
      return updated;
    }
  }

  /** Deletes (revokes) an access key; the next request with its token fails. */
  private void deleteAccessKey(String id) {
    synchronized (lock) {
      if (!store.deleteAccessKey(Objects.requireNonNull(id, "id"))) {
        throw notFound("access key", id);
      }
    }
  }

  // ---------------------------------------------------------------- configurations

  /**
   * Creates a configuration. Inline keys ({@code {"name","value"}}) become stored provider keys of the
   * rule's provider and are replaced by references. The configuration is validated first: unknown
   * providers, unresolvable models, missing or foreign provider keys and duplicate rules are refused with
   * their JSON path, and nothing is created.
   */
  private AccessKeyConfiguration createConfiguration(AccessKeyConfiguration draft) {
    Objects.requireNonNull(draft, "draft");
    synchronized (lock) {
      checkConfigurationText(draft);
      routing.compileStrict(draft);
      Instant now = now();
      AccessKeyConfiguration withKeys = createInlineKeys(draft, now);
      AccessKeyConfiguration stored = withKeys.toBuilder()
          .id(Ids.newId(Ids.CONFIGURATION)).createdAt(now).updatedAt(now).build();
      store.putConfiguration(stored);
      return stored;
    }
  }

  private AccessKeyConfiguration configuration(String id) {
    AccessKeyConfiguration c = store.configuration(Objects.requireNonNull(id, "id"));
    if (c == null) {
      throw notFound("access key configuration", id);
    }
    return c;
  }

  private Page<AccessKeyConfiguration> listConfigurations(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    return pageOf(store.configurations(), beforeId, limit, AccessKeyConfiguration::id);
  }

  private AccessKeyConfiguration updateConfiguration(String id, ConfigurationChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (lock) {
      AccessKeyConfiguration c = configuration(id);
      if (change.name().isPresent() && change.name().value() == null) {
        throw new ConfigurationException("name", "cannot be cleared");
      }
      AccessKeyConfiguration draft = c.toBuilder()
          .name(Objects.requireNonNull(change.name().orElse(c.name())))
          .description(change.description().orElse(c.description()))
          .metadata(change.metadata().orElse(c.metadata()))
          .access(change.access().orElse(c.access()))
          .rules(change.rules().orElse(c.rules()))
          .build();
      checkConfigurationText(draft);
      routing.compileStrict(draft);
      Instant now = now();
      AccessKeyConfiguration stored = createInlineKeys(draft, now).toBuilder().updatedAt(now).build();
      store.putConfiguration(stored);
      return stored;
    }
  }

  /** Deletes a configuration; refused with {@code conflict} while an access key links to it. */
  private void deleteConfiguration(String id) {
    synchronized (lock) {
      configuration(id);
      String user = firstAccessKeyUsing(id);
      if (user != null) {
        throw new GatewayException(ErrorCode.CONFLICT, "Access key configuration " + id
            + " is still referenced by access key " + user + ".");
      }
      store.deleteConfiguration(id);
    }
  }

  private @Nullable String firstAccessKeyUsing(String configurationId) {
    String before = null;
    while (true) {
      List<AccessKey> page = store.accessKeys(before, 1000);
      for (AccessKey k : page) {
        if (configurationId.equals(k.configurationId())) {
          return k.id();
        }
      }
      if (page.size() < 1000) {
        return null;
      }
      before = page.get(page.size() - 1).id();
    }
  }

  private void checkConfigurationText(AccessKeyConfiguration c) {
    text(c.name(), "name", MAX_NAME);
    text(c.description(), "description", MAX_NAME);
    text(c.metadata(), "metadata", MAX_METADATA);
  }

  private AccessKeyConfiguration createInlineKeys(AccessKeyConfiguration c, Instant now) {
    if (!c.hasInlineKeys()) {
      return c;
    }
    List<RoutingRule> rules = Objects.requireNonNull(c.rules());
    List<RoutingRule> out = new ArrayList<>(rules.size());
    for (int i = 0; i < rules.size(); i++) {
      RoutingRule r = rules.get(i);
      String providerId = ruleProvider(r, "router.rules[" + i + "]");
      List<RoutingStep> steps = new ArrayList<>();
      for (RoutingStep s : r.steps()) {
        if (s.keys().stream().noneMatch(StepKey::isInline)) {
          steps.add(s);
          continue;
        }
        List<StepKey> keys = new ArrayList<>();
        for (StepKey k : s.keys()) {
          if (k.isInline()) {
            ProviderKey pk = newProviderKey(providerId, Objects.requireNonNull(k.name()),
                Objects.requireNonNull(k.value()), null, null, now);
            store.putProviderKey(pk);
            keys.add(StepKey.ref(pk.id(), k.weight()));
          } else {
            keys.add(k);
          }
        }
        steps.add(RoutingStep.user(s.keySelectionStrategy(), keys));
      }
      out.add(RoutingRule.of(r.provider(), r.model(), steps));
    }
    return c.toBuilder().rules(out).build();
  }

  private String ruleProvider(RoutingRule r, String path) {
    ModelResolver resolver = routing.resolver();
    if (r.provider() != null) {
      Provider p = resolver.catalog().provider(r.provider());
      if (p == null) {
        p = resolver.catalog().byResourceId(r.provider());
      }
      if (p == null) {
        throw new ConfigurationException(path + ".provider", "unknown provider");
      }
      return p.id();
    }
    try {
      return resolver.resolve(Objects.requireNonNull(r.model()), null, ModelResolver.NO_HINTS).provider().id();
    } catch (GatewayException e) {
      throw new ConfigurationException(path + ".model", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- provider keys

  private ProviderKey createProviderKey(ProviderKeyChange fields) {
    Objects.requireNonNull(fields, "fields");
    synchronized (lock) {
      String providerId = fields.providerId().value();
      if (providerId == null || providerId.isEmpty()) {
        throw new ConfigurationException("providerId", "is required");
      }
      if (!routing.resolver().catalog().isKnown(providerId)) {
        throw new ConfigurationException("providerId", "unknown provider '" + ModelResolver.display(providerId) + "'");
      }
      String name = fields.name().value();
      if (name == null || name.isEmpty()) {
        throw new ConfigurationException("name", "is required");
      }
      SecretValue value = fields.value().value();
      if (value == null) {
        throw new ConfigurationException("value", "is required");
      }
      ProviderKey pk = newProviderKey(providerId, name, value, fields.description().value(),
          fields.metadata().value(), now());
      store.putProviderKey(pk);
      return pk;
    }
  }

  private ProviderKey newProviderKey(String providerId, String name, SecretValue value, @Nullable String description,
      @Nullable String metadata, Instant now) {
    checkSecret(value, "value");
    return ProviderKey.builder()
        .id(Ids.newId(Ids.PROVIDER_KEY))
        .providerId(providerId)
        .name(Objects.requireNonNull(text(name, "name", MAX_NAME)))
        .description(text(description, "description", MAX_NAME))
        .metadata(text(metadata, "metadata", MAX_METADATA))
        .value(value)
        .createdAt(now)
        .updatedAt(now)
        .build();
  }

  private ProviderKey providerKey(String id) {
    ProviderKey k = store.providerKey(Objects.requireNonNull(id, "id"));
    if (k == null) {
      throw notFound("provider key", id);
    }
    return k;
  }

  /** Provider keys, newest first; only those of {@code providerId} when it is given. */
  private Page<ProviderKey> listProviderKeys(@Nullable String providerId, @Nullable String beforeId, int limit) {
    checkLimit(limit);
    List<ProviderKey> all = store.providerKeys();
    if (providerId != null) {
      all = all.stream().filter(k -> k.providerId().equals(providerId)).toList();
    }
    return pageOf(all, beforeId, limit, ProviderKey::id);
  }

  /** Changes name, description or metadata; the value changes only through {@link #rotateProviderKey}. */
  private ProviderKey updateProviderKey(String id, ProviderKeyChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (lock) {
      ProviderKey k = providerKey(id);
      if (change.providerId().isPresent()) {
        throw new ConfigurationException("providerId", "cannot be changed");
      }
      if (change.value().isPresent()) {
        throw new ConfigurationException("value", "cannot be changed by update; rotate the key");
      }
      if (change.name().isPresent() && (change.name().value() == null || change.name().value().isEmpty())) {
        throw new ConfigurationException("name", "cannot be cleared");
      }
      ProviderKey updated = k.toBuilder()
          .name(Objects.requireNonNull(text(change.name().orElse(k.name()), "name", MAX_NAME)))
          .description(text(change.description().orElse(k.description()), "description", MAX_NAME))
          .metadata(text(change.metadata().orElse(k.metadata()), "metadata", MAX_METADATA))
          .updatedAt(now())
          .build();
      store.putProviderKey(updated);
      return updated;
    }
  }

  /** Replaces the key's name and value, keeping its id so configurations keep working. */
  private ProviderKey rotateProviderKey(String id, String name, SecretValue value) {
    Objects.requireNonNull(value, "value");
    synchronized (lock) {
      ProviderKey k = providerKey(id);
      if (name == null || name.isEmpty()) {
        throw new ConfigurationException("name", "is required");
      }
      checkSecret(value, "value");
      ProviderKey rotated = k.toBuilder()
          .name(Objects.requireNonNull(text(name, "name", MAX_NAME)))
          .value(value)
          .updatedAt(now())
          .build();
      store.putProviderKey(rotated);
      return rotated;
    }
  }

  /** Deletes a provider key; refused with {@code conflict} while a routing rule references it. */
  private void deleteProviderKey(String id) {
    synchronized (lock) {
      providerKey(id);
      for (AccessKeyConfiguration c : store.configurations()) {
        if (references(c, id)) {
          throw new GatewayException(ErrorCode.CONFLICT, "Provider key " + id
              + " is referenced by a routing rule of configuration " + c.id() + ".");
        }
      }
      store.deleteProviderKey(id);
    }
  }

  private static boolean references(AccessKeyConfiguration c, String providerKeyId) {
    if (c.rules() == null) {
      return false;
    }
    for (RoutingRule r : c.rules()) {
      for (RoutingStep s : r.steps()) {
        for (StepKey k : s.keys()) {
          if (providerKeyId.equals(k.id())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void checkSecret(SecretValue value, String field) {
    String v = value.reveal();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new ConfigurationException(field, "must not contain control characters");
      }
    }
    if (v.length() > 16384) {
      throw new ConfigurationException(field, "must be at most 16384 characters");
    }
  }

  // ---------------------------------------------------------------- custom providers

  /**
   * Creates a custom provider. {@code id}, {@code createdAt} and {@code updatedAt} of the draft are
   * ignored; {@code providerId} must be new and must not be a built-in provider's.
   */
  private CustomProvider createProvider(CustomProvider.Builder draft) {
    Objects.requireNonNull(draft, "draft");
    synchronized (lock) {
      Instant now = now();
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

  private CustomProvider provider(String providerId) {
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

  private Page<CustomProvider> listProviders(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    return pageOf(store.providers(), beforeId, limit, CustomProvider::id);
  }

  /** Replaces the provider's fields with those of {@code change} ({@code providerId} cannot change). */
  private CustomProvider updateProvider(String providerId, UnaryOperator<CustomProvider.Builder> change) {
    synchronized (lock) {
      CustomProvider p = provider(providerId);
      CustomProvider updated = change.apply(p.toBuilder()).updatedAt(now()).build();
      if (!updated.providerId().equals(p.providerId()) || !updated.id().equals(p.id())) {
        throw new ConfigurationException("providerId", "cannot be changed");
      }
      checkProvider(updated);
      store.putProvider(updated);
      return updated;
    }
  }

  /** Deletes a custom provider; refused while a provider key or a configuration references it. */
  private void deleteProvider(String providerId) {
    synchronized (lock) {
      CustomProvider p = provider(providerId);
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

  // ---------------------------------------------------------------- virtual models

  private VirtualModel createVirtualModel(String name, @Nullable String description, List<String> targets) {
    synchronized (lock) {
      checkVirtualModel(null, name, description, targets);
      Instant now = now();
      VirtualModel vm = VirtualModel.of(Ids.newId(Ids.VIRTUAL_MODEL), name, description, targets, now, now);
      store.putVirtualModel(vm);
      return vm;
    }
  }

  private VirtualModel virtualModel(String id) {
    VirtualModel vm = store.virtualModel(Objects.requireNonNull(id, "id"));
    if (vm == null) {
      throw notFound("virtual model", id);
    }
    return vm;
  }

  private Page<VirtualModel> listVirtualModels(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    return pageOf(store.virtualModels(), beforeId, limit, VirtualModel::id);
  }

  private VirtualModel updateVirtualModel(String id, @Nullable String name, Field<String> description,
      @Nullable List<String> targets) {
    synchronized (lock) {
      VirtualModel vm = virtualModel(id);
      String n = name == null ? vm.name() : name;
      List<String> t = targets == null ? vm.targets() : targets;
      String d = description.orElse(vm.description());
      checkVirtualModel(vm.id(), n, d, t);
      VirtualModel updated = vm.withChanges(n, d, t, now());
      store.putVirtualModel(updated);
      return updated;
    }
  }

  private void deleteVirtualModel(String id) {
    synchronized (lock) {
      if (!store.deleteVirtualModel(Objects.requireNonNull(id, "id"))) {
        throw notFound("virtual model", id);
      }
    }
  }

  private void checkVirtualModel(@Nullable String selfId, String name, @Nullable String description,
      List<String> targets) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(targets, "targets");
    if (name.length() > VirtualModel.MAX_NAME) {
      throw new ConfigurationException("name", "must be at most 64 characters");
    }
    if (!VIRTUAL_NAME.matcher(name).matches()) {
      throw new ConfigurationException("name", "may use only letters, digits, '.', '_' and '-'");
    }
    text(description, "description", MAX_NAME);
    ModelResolver resolver = routing.resolver();
    for (Provider p : resolver.catalog().providers()) {
      if (p.canonicalModel(name) != null) {
        throw new GatewayException(ErrorCode.CONFLICT, "'" + name + "' is already a model of provider " + p.id() + ".");
      }
    }
    for (VirtualModel other : store.virtualModels()) {
      if (!other.id().equals(selfId) && other.name().equalsIgnoreCase(name)) {
        throw new GatewayException(ErrorCode.CONFLICT, "A virtual model named '" + name + "' already exists.");
      }
    }
    if (targets.isEmpty() || targets.size() > VirtualModel.MAX_TARGETS) {
      throw new ConfigurationException("targets", "must have 1 to 10 entries but had " + targets.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i);
      String path = "targets[" + i + "]";
      if (t == null || t.isEmpty()) {
        throw new ConfigurationException(path, "must not be empty");
      }
      for (VirtualModel other : store.virtualModels()) {
        if (other.name().equalsIgnoreCase(t) || name.equalsIgnoreCase(t)) {
          throw new ConfigurationException(path, "a virtual model cannot target a virtual model");
        }
      }
      ModelResolver.Resolved r;
      try {
        r = resolver.resolve(t, null, ModelResolver.NO_HINTS);
      } catch (GatewayException e) {
        throw new ConfigurationException(path, e.getMessage());
      }
      if (!seen.add(r.provider().id() + ":" + r.model().toLowerCase(Locale.ROOT))) {
        throw new ConfigurationException(path, "'" + ModelResolver.display(t) + "' is listed twice");
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void requireConfiguration(String id, String field) {
    if (store.configuration(id) == null) {
      throw new ConfigurationException(field, "no access key configuration '" + ModelResolver.display(id) + "'");
    }
  }

  private Instant now() {
    return clock.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static @Nullable String text(@Nullable String value, String field, int max) {
    if (value != null && value.length() > max) {
      throw new ConfigurationException(field, "must be at most " + max + " characters but was " + value.length());
    }
    return value;
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ConfigurationException("limit", "must be from 1 to " + MAX_LIMIT + " but was " + limit);
    }
  }

  private static <T> Page<T> page(List<T> newestFirstPlusOne, int limit, Function<T, String> id) {
    if (newestFirstPlusOne.size() > limit) {
      List<T> items = newestFirstPlusOne.subList(0, limit);
      return new Page<>(items, id.apply(items.get(limit - 1)));
    }
    return new Page<>(newestFirstPlusOne, null);
  }

  private static <T> Page<T> pageOf(List<T> all, @Nullable String beforeId, int limit, Function<T, String> id) {
    List<T> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(id).reversed());
    List<T> out = new ArrayList<>(limit + 1);
    for (T t : sorted) {
      if (beforeId != null && id.apply(t).compareTo(beforeId) >= 0) {
        continue;
      }
      out.add(t);
      if (out.size() > limit) {
        break;
      }
    }
    return page(out, limit, id);
  }

  private static GatewayException notFound(String what, String id) {
    return new GatewayException(ErrorCode.NOT_FOUND, "No " + what + " '" + ModelResolver.display(id) + "'.");
  }
}
