package dev.aigateway.internal.plan;

import dev.aigateway.routing.RuleMatch;

import dev.aigateway.GatewayException;
import dev.aigateway.catalog.Provider;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessScope;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.KeySelectionStrategy;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.config.StepType;
import dev.aigateway.resource.ProviderKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A configuration compiled once for the hot path: allow lists as hash sets of normalised
 * {@code (provider, model)} pairs, rules indexed by provider and by model.
 *
 * <p>In strict mode (used when a configuration is created or changed) every problem is a
 * {@link ConfigurationException} naming its JSON path; in lenient mode (used when routing with what the
 * store holds) entries that no longer resolve are skipped.
 */
public final class CompiledConfiguration implements ModelResolver.Hints {
  final AccessKeyConfiguration source;
  final @Nullable Set<String> allowedProviders;
  /** provider id -> lowercase model ids; null when the models dimension is unrestricted. */
  final @Nullable Map<String, Set<String>> allowedModels;
  /** lowercase model ids allowed on any provider (bare entries the catalog cannot place). */
  final Set<String> allowedAnyProvider;
  final Map<String, List<String>> hints;
  final Map<String, Map<String, CompiledRule>> modelRules;
  final Map<String, CompiledRule> providerRules;

  /** A rule ready to route. */
  public static final class CompiledRule {
    final int index;
    final RuleMatch.Kind kind;
    final List<CompiledStep> steps;

    CompiledRule(int index, RuleMatch.Kind kind, List<CompiledStep> steps) {
      this.index = index;
      this.kind = kind;
      this.steps = steps;
    }

    public int index() {
      return index;
    }

    public RuleMatch.Kind kind() {
      return kind;
    }

    public List<CompiledStep> steps() {
      return steps;
    }
  }

  /** A step ready to route; round-robin state lives here. */
  public static final class CompiledStep {
    final int index;
    final StepType type;
    final String typeName;
    final KeySelectionStrategy strategy;
    final List<StepKey> keys;
    final AtomicLong next = new AtomicLong();

    CompiledStep(int index, RoutingStep step) {
      this.index = index;
      this.type = step.type();
      this.typeName = step.typeName();
      this.strategy = step.effectiveStrategy();
      this.keys = step.keys();
    }

    public int index() {
      return index;
    }

    public StepType type() {
      return type;
    }

    public String typeName() {
      return typeName;
    }

    public KeySelectionStrategy strategy() {
      return strategy;
    }

    public List<StepKey> keys() {
      return keys;
    }

    /** The next round-robin start position. */
    public long nextStart() {
      return next.getAndIncrement();
    }
  }

  private CompiledConfiguration(AccessKeyConfiguration source, @Nullable Set<String> allowedProviders,
      @Nullable Map<String, Set<String>> allowedModels, Set<String> allowedAnyProvider, Map<String, List<String>> hints,
      Map<String, Map<String, CompiledRule>> modelRules, Map<String, CompiledRule> providerRules) {
    this.source = source;
    this.allowedProviders = allowedProviders;
    this.allowedModels = allowedModels;
    this.allowedAnyProvider = allowedAnyProvider;
    this.hints = hints;
    this.modelRules = modelRules;
    this.providerRules = providerRules;
  }

  public AccessKeyConfiguration source() {
    return source;
  }

  @Override
  public List<String> providersFor(String lowercaseModel) {
    return hints.getOrDefault(lowercaseModel, List.of());
  }

  /** Allowed models by provider (lowercase ids); null when the models dimension is unrestricted. */
  public @Nullable Map<String, Set<String>> allowedModels() {
    return allowedModels;
  }

  public boolean providerAllowed(String providerId) {
    return allowedProviders == null || allowedProviders.contains(providerId);
  }

  public boolean modelAllowed(String providerId, String lowercaseModel) {
    if (allowedModels == null) {
      return true;
    }
    Set<String> models = allowedModels.get(providerId);
    return (models != null && models.contains(lowercaseModel)) || allowedAnyProvider.contains(lowercaseModel);
  }

  /** The model rule for this pair, else the provider rule, else null. */
  public @Nullable CompiledRule ruleFor(String providerId, String lowercaseModel) {
    Map<String, CompiledRule> byModel = modelRules.get(providerId);
    if (byModel != null) {
      CompiledRule r = byModel.get(lowercaseModel);
      if (r != null) {
        return r;
      }
    }
    return providerRules.get(providerId);
  }

  /**
   * Compiles {@code c}.
   *
   * @param isVirtualModel names that are virtual models (refused in allow lists)
   * @param providerKey a stored provider key by id, or null
   */
  public static CompiledConfiguration compile(AccessKeyConfiguration c, ModelResolver resolver, boolean strict,
      Predicate<String> isVirtualModel, java.util.function.Function<String, @Nullable ProviderKey> providerKey) {
    AccessScope scope = c.effectiveAccess();
    Set<String> providers = null;
    if (scope.allowedProviders() != null) {
      providers = new HashSet<>();
      List<String> allow = scope.allowedProviders();
      for (int i = 0; i < allow.size(); i++) {
        String entry = allow.get(i);
        Provider p = resolver.catalog().provider(entry);
        if (p == null) {
          p = resolver.catalog().byResourceId(entry);
        }
        if (p == null) {
          if (strict) {
            throw new ConfigurationException("access.providers.allow[" + i + "]",
                "unknown provider '" + ModelResolver.display(entry) + "'");
          }
          continue;
        }
        providers.add(p.id());
      }
    }
    Map<String, Set<String>> models = null;
    Set<String> any = new HashSet<>();
    Map<String, List<String>> hints = new HashMap<>();
    if (scope.allowedModels() != null) {
      models = new HashMap<>();
      List<String> allow = scope.allowedModels();
      for (int i = 0; i < allow.size(); i++) {
        String entry = allow.get(i);
        String path = "access.models.allow[" + i + "]";
        if (isVirtualModel.test(entry.toLowerCase(Locale.ROOT))) {
          if (strict) {
            throw new ConfigurationException(path, "'" + ModelResolver.display(entry)
                + "' is a virtual model; allow its target models instead");
          }
          continue;
        }
        ModelResolver.Resolved r;
        try {
          r = resolver.resolve(entry, null, ModelResolver.NO_HINTS);
        } catch (GatewayException e) {
          boolean pinned = entry.indexOf(':') >= 0;
          if (pinned) {
            if (strict) {
              throw new ConfigurationException(path, e.getMessage());
            }
            continue;
          }
          any.add(entry.toLowerCase(Locale.ROOT));
          continue;
        }
        String lower = r.model().toLowerCase(Locale.ROOT);
        models.computeIfAbsent(r.provider().id(), k -> new HashSet<>()).add(lower);
        List<String> h = hints.computeIfAbsent(lower, k -> new ArrayList<>(1));
        if (!h.contains(r.provider().id())) {
          h.add(r.provider().id());
        }
      }
    }

    Map<String, Map<String, CompiledRule>> modelRules = new HashMap<>();
    Map<String, CompiledRule> providerRules = new LinkedHashMap<>();
    List<RoutingRule> rules = c.rules() == null ? List.of() : c.rules();
    for (int i = 0; i < rules.size(); i++) {
      RoutingRule rule = rules.get(i);
      String path = "router.rules[" + i + "]";
      Provider ruleProvider = null;
      if (rule.provider() != null) {
        ruleProvider = resolver.catalog().provider(rule.provider());
        if (ruleProvider == null) {
          ruleProvider = resolver.catalog().byResourceId(rule.provider());
        }
        if (ruleProvider == null) {
          if (strict) {
            throw new ConfigurationException(path + ".provider", "unknown provider '"
                + ModelResolver.display(rule.provider()) + "'");
          }
          continue;
        }
      }
      List<CompiledStep> steps = compileSteps(rule, path, ruleProvider, strict, providerKey);
      if (rule.model() != null) {
        String model = rule.model();
        ModelResolver.Resolved r;
        try {
          if (ruleProvider != null && model.indexOf(':') < 0) {
            r = resolver.resolve(ruleProvider.id() + ":" + model, null, ModelResolver.NO_HINTS);
          } else {
            r = resolver.resolve(model, null, ModelResolver.NO_HINTS);
          }
        } catch (GatewayException e) {
          if (strict) {
            throw new ConfigurationException(path + ".model", e.getMessage());
          }
          continue;
        }
        if (ruleProvider != null && !ruleProvider.id().equals(r.provider().id())) {
          if (strict) {
            throw new ConfigurationException(path + ".model", "pins provider '" + r.provider().id()
                + "' but the rule's provider is '" + ruleProvider.id() + "'");
          }
          continue;
        }
        if (ruleProvider == null) {
          steps = compileSteps(rule, path, r.provider(), strict, providerKey);
        }
        CompiledRule compiled = new CompiledRule(i, RuleMatch.Kind.MODEL, steps);
        Map<String, CompiledRule> byModel = modelRules.computeIfAbsent(r.provider().id(), k -> new HashMap<>());
        String lower = r.model().toLowerCase(Locale.ROOT);
        if (byModel.containsKey(lower)) {
          if (strict) {
            throw new ConfigurationException(path + ".model", "another rule (router.rules["
                + byModel.get(lower).index + "]) already targets " + r.provider().id() + ":" + r.model());
          }
          continue;
        }
        byModel.put(lower, compiled);
      } else {
        // RoutingRule requires a provider or a model, so a rule without a model has a provider, resolved above
        String pid = Objects.requireNonNull(ruleProvider, "ruleProvider").id();
        if (providerRules.containsKey(pid)) {
          if (strict) {
            throw new ConfigurationException(path + ".provider", "at most one provider rule per provider; router.rules["
                + providerRules.get(pid).index + "] already targets '" + pid + "'");
          }
          continue;
        }
        providerRules.put(pid, new CompiledRule(i, RuleMatch.Kind.PROVIDER, steps));
      }
    }
    hints.replaceAll((k, v) -> List.copyOf(v));
    return new CompiledConfiguration(c, providers == null ? null : Set.copyOf(providers),
        models == null ? null : copyDeep(models), Set.copyOf(any), Map.copyOf(hints), modelRules, providerRules);
  }

  private static List<CompiledStep> compileSteps(RoutingRule rule, String path, @Nullable Provider provider,
      boolean strict, java.util.function.Function<String, @Nullable ProviderKey> providerKey) {
    List<CompiledStep> steps = new ArrayList<>(rule.steps().size());
    for (int s = 0; s < rule.steps().size(); s++) {
      RoutingStep step = rule.steps().get(s);
      if (strict && step.type() == StepType.USER) {
        for (int k = 0; k < step.keys().size(); k++) {
          StepKey key = step.keys().get(k);
          String kpath = path + ".steps[" + s + "].keys[" + k + "]";
          if (key.isInline()) {
            continue;
          }
          String id = Objects.requireNonNull(key.id(), "id"); // a key that is not inline has an id
          ProviderKey pk = providerKey.apply(id);
          if (pk == null) {
            throw new ConfigurationException(kpath + ".id", "no provider key '" + ModelResolver.display(id) + "'");
          }
          if (provider != null && !pk.providerId().equals(provider.id())) {
            throw new ConfigurationException(kpath + ".id", "provider key " + pk.id() + " belongs to '"
                + pk.providerId() + "', not '" + provider.id() + "'");
          }
        }
      }
      steps.add(new CompiledStep(s, step));
    }
    return List.copyOf(steps);
  }

  private static Map<String, Set<String>> copyDeep(Map<String, Set<String>> m) {
    Map<String, Set<String>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return Map.copyOf(out);
  }
}
