package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_METADATA;
import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.found;
import static dev.aigateway.internal.admin.AdminSupport.notFound;
import static dev.aigateway.internal.admin.AdminSupport.pageOf;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.ConfigurationAdmin;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.Page;
import dev.aigateway.catalog.Provider;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Access key configurations: validated strictly before they are stored, inline keys turned into stored
 * provider keys in the same locked step, deletion refused while an access key links to one.
 */
final class ConfigurationService implements ConfigurationAdmin {
  private final AdminSupport support;
  private final KeyStore store;
  private final RoutingView routing;
  private final ProviderKeyService providerKeys;

  ConfigurationService(AdminSupport support, RoutingView routing, ProviderKeyService providerKeys) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
    this.routing = Objects.requireNonNull(routing, "routing");
    this.providerKeys = Objects.requireNonNull(providerKeys, "providerKeys");
  }

  /**
   * Creates a configuration. Inline keys ({@code {"name","value"}}) become stored provider keys of the
   * rule's provider and are replaced by references. The configuration is validated first: unknown
   * providers, unresolvable models, missing or foreign provider keys and duplicate rules are refused with
   * their JSON path, and nothing is created.
   */
  @Override
  public AccessKeyConfiguration create(AccessKeyConfiguration draft) {
    Objects.requireNonNull(draft, "draft");
    synchronized (support.lock()) {
      checkConfigurationText(draft);
      routing.compileStrict(draft);
      Instant now = support.now();
      AccessKeyConfiguration withKeys = createInlineKeys(draft, now, new ArrayList<>());
      AccessKeyConfiguration stored = withKeys.toBuilder()
          .id(Ids.newId(Ids.CONFIGURATION)).createdAt(now).updatedAt(now).build();
      store.putConfiguration(stored);
      return stored;
    }
  }

  @Override
  public AccessKeyConfiguration get(String id) {
    return found(store.configuration(Objects.requireNonNull(id, "id")), "access key configuration", id);
  }

  @Override
  public Page<AccessKeyConfiguration> list(@Nullable String beforeId, int limit) {
    // a stored configuration always has an id (KeyStore.putConfiguration requires one)
    return pageOf(store::configurations, beforeId, limit, c -> Objects.requireNonNull(c.id(), "id"));
  }

  @Override
  public AccessKeyConfiguration update(String id, ConfigurationChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (support.lock()) {
      AccessKeyConfiguration c = get(id);
      if (change.name().isPresent() && change.name().value() == null) {
        throw new ConfigurationException("name", "cannot be cleared");
      }
      AccessKeyConfiguration draft = c.toBuilder()
          .name(Objects.requireNonNull(change.name().orElse(c.name())))
          .description(change.description().orElse(c.description()))
          .metadata(change.metadata().orElse(c.metadata()))
          .access(change.access().orElse(c.access()))
          .rules(change.rules().orElse(c.rules()))
          .limits(change.limits().orElse(c.limits()))
          .build();
      checkConfigurationText(draft);
      routing.compileStrict(draft);
      Instant now = support.now();
      List<String> created = new ArrayList<>();
      AccessKeyConfiguration stored = createInlineKeys(draft, now, created).toBuilder().updatedAt(now).build();
      if (!store.replaceConfiguration(stored)) {
        // deleted meanwhile (by another instance): the update stores nothing, not even its inline keys
        created.forEach(store::deleteProviderKey);
        throw notFound("access key configuration", id);
      }
      return stored;
    }
  }

  /** Deletes a configuration; refused with {@code conflict} while an access key links to it. */
  @Override
  public void delete(String id) {
    synchronized (support.lock()) {
      get(id);
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

  private static void checkConfigurationText(AccessKeyConfiguration c) {
    text(c.name(), "name", MAX_NAME);
    text(c.description(), "description", MAX_NAME);
    text(c.metadata(), "metadata", MAX_METADATA);
  }

  /** Stores the inline keys as provider keys (their ids added to {@code created}) and refers to them by id. */
  private AccessKeyConfiguration createInlineKeys(AccessKeyConfiguration c, Instant now, List<String> created) {
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
            ProviderKey pk = providerKeys.newProviderKey(providerId, Objects.requireNonNull(k.name()),
                Objects.requireNonNull(k.value()), null, null, now);
            store.putProviderKey(pk);
            created.add(pk.id());
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
}
