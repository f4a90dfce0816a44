package dev.aigateway.internal.json;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.config.BudgetPeriod;
import dev.aigateway.config.AccessScope;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.config.KeySelectionStrategy;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.config.StepType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.resource.SecretValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The Jackson side of {@link ConfigurationJson}: reads and writes configurations as trees, for the
 * store codec and the management API. Reads and writes access key configurations in the reference's JSON shape. Reading is strict: unknown
 * fields are refused, and every error is a {@link ConfigurationException} naming the JSON path and
 * the rule broken ({@code router.rules[0].steps[1].keys: must not be empty for a user step}).
 */
public final class ConfigurationCodec {
  static final Set<String> TOP = Set.of("name", "description", "metadata", "access", "router", "limits",
      "id", "uri", "createdAt", "updatedAt", "createdBy", "lastUpdatedBy");
  static final Set<String> CREATE_TOP = Set.of("name", "description", "metadata", "access", "router", "limits");
  static final Set<String> LIMITS = Set.of("requestsPerMinute", "tokensPerMinute", "concurrentRequests", "budget");
  static final Set<String> BUDGET = Set.of("amountCents", "period");
  /**
   * Largest {@code budget.amountCents} and {@code tokensPerMinute}: 10^15, far beyond any real limit and
   * below 2^53, so shared counters that compute in doubles (Redis scripts) stay exact.
   */
  static final long MAX_COUNT = 1_000_000_000_000_000L;
  static final Set<String> ACCESS = Set.of("providers", "models");
  static final Set<String> DIMENSION = Set.of("allow");
  static final Set<String> ROUTER = Set.of("rules");
  static final Set<String> RULE = Set.of("provider", "model", "steps");
  static final Set<String> STEP = Set.of("type", "keys", "keySelectionStrategy");
  static final Set<String> KEY = Set.of("id", "name", "value", "weight", "keyRedacted");

  static final int MAX_NAME = ConfigurationJson.MAX_NAME;
  static final int MAX_METADATA = ConfigurationJson.MAX_METADATA;
  static final int MAX_ALLOW_ENTRIES = ConfigurationJson.MAX_ALLOW_ENTRIES;
  static final int MAX_RULES = ConfigurationJson.MAX_RULES;
  static final int MAX_STEPS = ConfigurationJson.MAX_STEPS;
  static final int MAX_KEYS = ConfigurationJson.MAX_KEYS;

  private ConfigurationCodec() {}

  /**
   * Reads a configuration object. With {@code createOnly}, read-only fields ({@code id}, {@code uri},
   * timestamps) are refused as unknown, as the management API does on create.
   */
  public static AccessKeyConfiguration read(ObjectNode node, boolean createOnly) {
    Json.Obj o = new Json.Obj(node, "");
    o.allowOnly(createOnly ? CREATE_TOP : TOP);
    AccessKeyConfiguration.Builder b = AccessKeyConfiguration.builder()
        .name(o.reqString("name", MAX_NAME))
        .description(o.optString("description", MAX_NAME))
        .metadata(o.optString("metadata", MAX_METADATA));
    if (!createOnly) {
      b.id(o.optString("id", 64));
    }
    Json.Obj access = o.optObj("access");
    if (access != null) {
      b.access(readAccess(access));
    }
    Json.Obj router = o.optObj("router");
    if (router != null) {
      b.rules(readRouter(router));
    }
    Json.Obj limits = o.optObj("limits");
    if (limits != null) {
      b.limits(readLimits(limits));
    }
    return b.build();
  }

  /** Reads a {@code limits} object found at {@code path}. */
  public static AccessKeyLimits readLimits(JsonNode node, String path) {
    return readLimits(Json.Obj.of(node, path));
  }

  static AccessKeyLimits readLimits(Json.Obj limits) {
    limits.allowOnly(LIMITS);
    Long rpm = positive(limits, "requestsPerMinute", Integer.MAX_VALUE);
    Long tpm = positive(limits, "tokensPerMinute", MAX_COUNT);
    Long concurrent = positive(limits, "concurrentRequests", Integer.MAX_VALUE);
    AccessKeyLimits.Builder b = AccessKeyLimits.builder()
        .requestsPerMinute(rpm == null ? null : rpm.intValue())
        .tokensPerMinute(tpm)
        .concurrentRequests(concurrent == null ? null : concurrent.intValue());
    Json.Obj budget = limits.optObj("budget");
    if (budget != null) {
      budget.allowOnly(BUDGET);
      Long amount = positive(budget, "amountCents", MAX_COUNT);
      if (amount == null) {
        throw new ConfigurationException(budget.child("amountCents"), "is required");
      }
      String periodName = budget.optString("period", 32);
      if (periodName == null) {
        throw new ConfigurationException(budget.child("period"), "is required");
      }
      BudgetPeriod period = BudgetPeriod.fromJson(periodName);
      if (period == null) {
        throw new ConfigurationException(budget.child("period"), "must be one of day, week, month, total but was '"
            + periodName + "'");
      }
      b.budget(new Budget(amount, period));
    }
    return b.build();
  }

  /** An optional whole number from 1 to {@code max}; anything else names the field and what it was. */
  private static @Nullable Long positive(Json.Obj o, String field, long max) {
    JsonNode n = o.raw(field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0 || n.longValue() > max) {
      String was = n.isNumber() ? n.asText() : Json.typeName(n);
      throw new ConfigurationException(o.child(field), "must be a positive integer (at most " + max + ") but was "
          + (was.length() > 40 ? was.substring(0, 40) + "..." : was));
    }
    return n.longValue();
  }

  /** Reads an {@code access} object found at {@code path}. */
  public static AccessScope readAccess(com.fasterxml.jackson.databind.JsonNode node, String path) {
    return readAccess(Json.Obj.of(node, path));
  }

  /** Reads a {@code router} object found at {@code path} into its rules. */
  public static List<RoutingRule> readRouter(com.fasterxml.jackson.databind.JsonNode node, String path) {
    return readRouter(Json.Obj.of(node, path));
  }

  static AccessScope readAccess(Json.Obj access) {
    access.allowOnly(ACCESS);
    return AccessScope.of(readDimension(access.optObj("providers")), readDimension(access.optObj("models")));
  }

  private static @Nullable List<String> readDimension(Json.@Nullable Obj dim) {
    if (dim == null) {
      return null;
    }
    dim.allowOnly(DIMENSION);
    List<String> allow = dim.optStringArray("allow", 512);
    if (allow != null && allow.size() > MAX_ALLOW_ENTRIES) {
      throw new ConfigurationException(dim.child("allow"), "must have at most " + MAX_ALLOW_ENTRIES + " entries");
    }
    return allow;
  }

  static List<RoutingRule> readRouter(Json.Obj router) {
    router.allowOnly(ROUTER);
    List<Json.Element> rules = router.optArray("rules");
    if (rules == null) {
      return List.of();
    }
    if (rules.size() > MAX_RULES) {
      throw new ConfigurationException(router.child("rules"), "must have at most " + MAX_RULES + " rules");
    }
    List<RoutingRule> out = new ArrayList<>(rules.size());
    for (Json.Element e : rules) {
      out.add(readRule(e.obj()));
    }
    return out;
  }

  private static RoutingRule readRule(Json.Obj rule) {
    rule.allowOnly(RULE);
    String provider = rule.optString("provider", 255);
    String model = rule.optString("model", 512);
    if (provider == null && model == null) {
      throw new ConfigurationException(rule.path(), "a rule needs a provider, a model, or both");
    }
    if (provider != null && provider.isEmpty()) {
      throw new ConfigurationException(rule.child("provider"), "must not be empty");
    }
    if (model != null && model.isEmpty()) {
      throw new ConfigurationException(rule.child("model"), "must not be empty");
    }
    List<Json.Element> steps = rule.optArray("steps");
    if (steps == null) {
      throw new ConfigurationException(rule.child("steps"), "is required");
    }
    if (steps.isEmpty()) {
      throw new ConfigurationException(rule.child("steps"), "must not be empty");
    }
    if (steps.size() > MAX_STEPS) {
      throw new ConfigurationException(rule.child("steps"), "must have at most " + MAX_STEPS + " steps");
    }
    List<RoutingStep> out = new ArrayList<>(steps.size());
    for (Json.Element e : steps) {
      out.add(readStep(e.obj()));
    }
    return RoutingRule.of(provider, model, out);
  }

  private static RoutingStep readStep(Json.Obj step) {
    step.allowOnly(STEP);
    String type = step.reqString("type", 32);
    String strategyName = step.optString("keySelectionStrategy", 32);
    switch (type) {
      case "user" -> {
        KeySelectionStrategy strategy = null;
        if (strategyName != null) {
          strategy = KeySelectionStrategy.fromJson(strategyName);
          if (strategy == null) {
            throw new ConfigurationException(step.child("keySelectionStrategy"),
                "must be one of ordered, round-robin, weighted but was '" + strategyName + "'");
          }
        }
        List<Json.Element> keys = step.optArray("keys");
        if (keys == null) {
          throw new ConfigurationException(step.child("keys"), "is required for a user step");
        }
        if (keys.isEmpty()) {
          throw new ConfigurationException(step.child("keys"), "must not be empty for a user step");
        }
        if (keys.size() > MAX_KEYS) {
          throw new ConfigurationException(step.child("keys"), "must have at most " + MAX_KEYS + " keys");
        }
        List<StepKey> out = new ArrayList<>(keys.size());
        for (Json.Element e : keys) {
          out.add(readKey(e.obj()));
        }
        return RoutingStep.user(strategy, out);
      }
      case "ngrok", "managed" -> {
        if (step.has("keys") && !step.isNull("keys")) {
          throw new ConfigurationException(step.child("keys"), "is only allowed on a user step");
        }
        if (strategyName != null) {
          throw new ConfigurationException(step.child("keySelectionStrategy"), "is only allowed on a user step");
        }
        return RoutingStep.managed(type);
      }
      default -> throw new ConfigurationException(step.child("type"), "must be one of user, ngrok, managed but was '"
          + (type.length() > 32 ? type.substring(0, 32) : type) + "'");
    }
  }

  private static StepKey readKey(Json.Obj key) {
    key.allowOnly(KEY);
    String id = key.optString("id", 64);
    String name = key.optString("name", MAX_NAME);
    String value = key.optString("value", 16384);
    Integer weight = key.optInt("weight", 1, 1000);
    int w = weight == null ? 1 : weight;
    if (id != null) {
      if (value != null) {
        throw new ConfigurationException(key.path(), "give either an id or a name and value, not both");
      }
      if (id.isEmpty()) {
        throw new ConfigurationException(key.child("id"), "must not be empty");
      }
      return StepKey.ref(id, w);
    }
    if (value == null) {
      throw new ConfigurationException(key.path(), "needs an id, or a name and value for a new provider key");
    }
    if (value.isEmpty()) {
      throw new ConfigurationException(key.child("value"), "must not be empty");
    }
    if (name == null || name.isEmpty()) {
      throw new ConfigurationException(key.child("name"), "is required with an inline value");
    }
    return new StepKey(null, name, SecretValue.of(value), w);
  }

  /** How a provider key is shown inside a configuration: its name and redacted value. */
  public interface KeyInfo {
    @Nullable String name(String providerKeyId);

    @Nullable String keyRedacted(String providerKeyId);
  }

  /** Writes a configuration in the read shape; keys as {@code {"id","name","keyRedacted"}}. */
  public static ObjectNode write(AccessKeyConfiguration c, @Nullable KeyInfo keys, @Nullable String uri) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    if (c.id() != null) {
      n.put("id", c.id());
    }
    if (uri != null) {
      n.put("uri", uri);
    }
    n.put("name", c.name());
    putNullable(n, "description", c.description());
    putNullable(n, "metadata", c.metadata());
    if (c.createdAt() != null) {
      n.put("createdAt", c.createdAt().toString());
    }
    if (c.updatedAt() != null) {
      n.put("updatedAt", c.updatedAt().toString());
    }
    if (c.access() != null) {
      ObjectNode access = n.putObject("access");
      writeDimension(access, "providers", c.access().allowedProviders());
      writeDimension(access, "models", c.access().allowedModels());
    }
    if (c.rules() != null) {
      ArrayNode rules = n.putObject("router").putArray("rules");
      for (RoutingRule r : c.rules()) {
        ObjectNode rn = rules.addObject();
        if (r.provider() != null) {
          rn.put("provider", r.provider());
        }
        if (r.model() != null) {
          rn.put("model", r.model());
        }
        ArrayNode steps = rn.putArray("steps");
        for (RoutingStep s : r.steps()) {
          ObjectNode sn = steps.addObject();
          sn.put("type", s.typeName());
          if (s.keySelectionStrategy() != null) {
            sn.put("keySelectionStrategy", s.keySelectionStrategy().json());
          }
          if (s.type() == StepType.USER) {
            ArrayNode kn = sn.putArray("keys");
            for (StepKey k : s.keys()) {
              ObjectNode kk = kn.addObject();
              if (k.id() != null) {
                kk.put("id", k.id());
                String name = keys == null ? null : keys.name(k.id());
                String redacted = keys == null ? null : keys.keyRedacted(k.id());
                if (name != null) {
                  kk.put("name", name);
                }
                if (redacted != null) {
                  kk.put("keyRedacted", redacted);
                }
              } else {
                kk.put("name", k.name());
                kk.put("keyRedacted", k.value() == null ? "***" : k.value().redacted());
              }
              if (k.weight() != 1) {
                kk.put("weight", k.weight());
              }
            }
          }
        }
      }
    }
    if (c.limits() != null) {
      writeLimits(n.putObject("limits"), c.limits());
    }
    return n;
  }

  /** Writes {@code limits} into {@code n}; limits that do not apply are left out. */
  public static void writeLimits(ObjectNode n, AccessKeyLimits l) {
    if (l.requestsPerMinute() != null) {
      n.put("requestsPerMinute", l.requestsPerMinute());
    }
    if (l.tokensPerMinute() != null) {
      n.put("tokensPerMinute", l.tokensPerMinute());
    }
    if (l.concurrentRequests() != null) {
      n.put("concurrentRequests", l.concurrentRequests());
    }
    Budget budget = l.budget();
    if (budget != null) {
      ObjectNode b = n.putObject("budget");
      b.put("amountCents", budget.amountCents());
      b.put("period", budget.period().json());
    }
  }

  private static void writeDimension(ObjectNode access, String name, @Nullable List<String> allow) {
    if (allow != null) {
      ArrayNode a = access.putObject(name).putArray("allow");
      allow.forEach(a::add);
    }
  }

  private static void putNullable(ObjectNode n, String field, @Nullable String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }
}
