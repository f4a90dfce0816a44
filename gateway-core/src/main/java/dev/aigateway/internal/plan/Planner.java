package dev.aigateway.internal.plan;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.failover.KeyCooldowns;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RejectedCandidate;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.routing.RuleMatch;

import dev.aigateway.catalog.Provider;
import dev.aigateway.config.KeySelectionStrategy;
import dev.aigateway.config.StepKey;
import dev.aigateway.config.StepType;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.plan.CompiledConfiguration.CompiledRule;
import dev.aigateway.internal.plan.CompiledConfiguration.CompiledStep;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.CredentialResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Turns an authenticated request into a {@link RoutePlan}. Pure apart from round-robin counters. */
public final class Planner {
  private final CredentialResolver credentials;
  private final KeyCooldowns cooldowns;
  private final @Nullable RandomGenerator random;

  public Planner(CredentialResolver credentials, KeyCooldowns cooldowns, @Nullable RandomGenerator random) {
    this.credentials = credentials;
    this.cooldowns = cooldowns;
    this.random = random;
  }

  public RoutePlan plan(String requestId, GatewayRequest request, AccessKey key, RoutingState state,
      BodyScanner.Result body) {
    CompiledConfiguration cfg = null;
    String configId = key.configurationId();
    if (configId != null) {
      cfg = state.configuration(configId);
      if (cfg == null) {
        // Fail closed: a dangling link never widens the key's scope.
        throw new GatewayException(ErrorCode.NO_CREDENTIALS,
            "The access key's configuration " + configId + " no longer exists.");
      }
    }
    Surface surface = request.surface();
    List<Candidate> candidates = new ArrayList<>(2);
    List<RejectedCandidate> rejected = null;
    String model = body.model;
    List<String> models = body.models;
    List<String> listed = models == null ? List.of() : models;
    if (model == null && listed.isEmpty()) {
      throw new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request body: model is required");
    }
    int total = (model == null ? 0 : 1) + listed.size();
    for (int i = 0; i < total; i++) {
      String requested = i == 0 && model != null ? model : listed.get(model == null ? i : i - 1);
      String source = i == 0 && model != null ? "model" : "models[" + (model == null ? i : i - 1) + "]";
      VirtualModel vm = state.virtualByName.isEmpty() || !isBare(requested) ? null
          : state.virtualByName.get(requested.toLowerCase(Locale.ROOT));
      if (vm != null) {
        List<String> targets = vm.targets();
        for (int t = 0; t < targets.size(); t++) {
          rejected = consider(targets.get(t), "virtual model " + vm.name() + "[" + t + "]", surface, cfg, state,
              candidates, rejected);
        }
      } else {
        rejected = consider(requested, source, surface, cfg, state, candidates, rejected);
      }
    }
    List<RejectedCandidate> rej = rejected == null ? List.of() : List.copyOf(rejected);
    if (candidates.isEmpty()) {
      RejectedCandidate first = rej.get(0);
      boolean anyResolvedButUnrouted = false;
      for (RejectedCandidate r : rej) {
        if (r.code() == ErrorCode.NO_CREDENTIALS) {
          anyResolvedButUnrouted = true;
          break;
        }
      }
      ErrorCode code = anyResolvedButUnrouted ? ErrorCode.NO_CREDENTIALS : first.code();
      String message = anyResolvedButUnrouted ? firstOf(rej, ErrorCode.NO_CREDENTIALS).reason() : first.reason();
      throw new RequestRejectedException(code, message, requestId, rej);
    }
    return EngineAccess.plans().create(requestId, request, key.id(), key.name(), configId,
        cfg == null ? null : cfg.source().name(), candidates, rej, body);
  }

  private static RejectedCandidate firstOf(List<RejectedCandidate> rej, ErrorCode code) {
    for (RejectedCandidate r : rej) {
      if (r.code() == code) {
        return r;
      }
    }
    return rej.get(0);
  }

  private static boolean isBare(String s) {
    return s.indexOf(':') < 0 && s.indexOf('/') < 0;
  }

  private @Nullable List<RejectedCandidate> consider(String requested, String source, Surface surface,
      @Nullable CompiledConfiguration cfg, RoutingState state, List<Candidate> out,
      @Nullable List<RejectedCandidate> rejected) {
    ModelResolver.Resolved r;
    try {
      r = state.resolver.resolve(requested, surface, cfg == null ? ModelResolver.NO_HINTS : cfg);
    } catch (GatewayException e) {
      return reject(rejected, requested, source, e.code(), e.getMessage());
    }
    Provider p = r.provider();
    String lower = r.model().toLowerCase(Locale.ROOT);
    if (cfg != null) {
      if (!cfg.providerAllowed(p.id())) {
        return reject(rejected, requested, source, ErrorCode.PROVIDER_NOT_ALLOWED,
            "Provider \"" + p.id() + "\" is not allowed by the access policy.");
      }
      if (!cfg.modelAllowed(p.id(), lower)) {
        return reject(rejected, requested, source, ErrorCode.MODEL_NOT_ALLOWED,
            "Model \"" + p.id() + "/" + ModelResolver.display(r.model()) + "\" is not allowed by the access policy.");
      }
    }
    for (Candidate c : out) {
      if (c.provider().equals(p.id()) && c.model().equalsIgnoreCase(r.model())) {
        return rejected; // already a candidate: trying it again would only repeat the same attempts
      }
    }
    CompiledRule rule = cfg == null ? null : cfg.ruleFor(p.id(), lower);
    List<PlannedAttempt> attempts = new ArrayList<>(4);
    RuleMatch match;
    // a managed credential serves only the models the catalog knows and prices (the reference: managed keys
    // refuse uncatalogued or unpriced models), since credits must pay for them; the host's own keys serve
    // anything the provider accepts
    boolean managedRefused = false;
    if (rule == null) {
      match = RuleMatch.DEFAULT;
      for (ProviderKey k : state.providerKeys(p.id())) {
        attempts.add(PlannedAttempt.of(p.id(), r.model(), -1, null, k.id(), k.name()));
      }
      boolean hasManaged = credentials.managed(p.id()) != null;
      boolean managedServes = hasManaged && p.price(lower) != null;
      managedRefused = hasManaged && !managedServes;
      if (managedServes) {
        attempts.add(PlannedAttempt.of(p.id(), r.model(), -1, null, null, null));
      }
    } else {
      match = new RuleMatch(rule.kind(), rule.index());
      for (CompiledStep step : rule.steps()) {
        if (step.type() == StepType.MANAGED) {
          boolean hasManaged = credentials.managed(p.id()) != null;
          boolean managedServes = hasManaged && p.price(lower) != null;
          managedRefused |= hasManaged && !managedServes;
          if (managedServes) {
            attempts.add(PlannedAttempt.of(p.id(), r.model(), step.index(), step.typeName(), null, null));
          }
          continue;
        }
        addUserStep(step, p, r.model(), state, attempts);
      }
    }
    if (attempts.isEmpty()) {
      String why = !p.isBuiltIn()
          ? "No credentials for custom provider \"" + p.id() + "\": add a provider key for it."
          : managedRefused
              ? "No credentials for \"" + p.id() + ":" + ModelResolver.display(r.model()) + "\": the managed credential "
                  + "serves only catalogued models with a price, and this one " + (p.lists(lower) ? "has no price"
                  : "is not in the catalog") + "; add a provider key of your own for it."
              : "No credentials for provider \"" + p.id() + "\": " + (rule == null
                  ? "it has no provider keys and no managed credential." : match.describe() + " yields no usable key.");
      return reject(rejected, requested, source, ErrorCode.NO_CREDENTIALS, why);
    }
    if (!cooldowns.isEmpty()) {
      attempts = coolingLast(attempts);
    }
    out.add(Candidate.of(requested, source, p.id(), r.model(), r.resolvedBy(), match, attempts));
    return rejected;
  }

  private void addUserStep(CompiledStep step, Provider p, String model, RoutingState state,
      List<PlannedAttempt> attempts) {
    List<StepKey> keys = step.keys();
    int n = keys.size();
    int[] order = order(step, n);
    for (int j = 0; j < n; j++) {
      StepKey ref = keys.get(order == null ? j : order[j]);
      if (ref.id() == null) {
        continue;
      }
      ProviderKey pk = state.keysById.get(ref.id());
      if (pk == null || !pk.providerId().equals(p.id())) {
        continue; // deleted since, or another provider's key: never used
      }
      attempts.add(PlannedAttempt.of(p.id(), model, step.index(), step.typeName(), pk.id(), pk.name()));
    }
  }

  private int @Nullable [] order(CompiledStep step, int n) {
    if (n <= 1 || step.strategy() == KeySelectionStrategy.ORDERED) {
      return null;
    }
    int[] order = new int[n];
    if (step.strategy() == KeySelectionStrategy.ROUND_ROBIN) {
      int start = (int) Math.floorMod(step.nextStart(), (long) n);
      for (int j = 0; j < n; j++) {
        order[j] = (start + j) % n;
      }
      return order;
    }
    // weighted: Efraimidis-Spirakis, key u^(1/w); larger keys first
    RandomGenerator rnd = random != null ? random : ThreadLocalRandom.current();
    double[] score = new double[n];
    Integer[] idx = new Integer[n];
    for (int j = 0; j < n; j++) {
      idx[j] = j;
      double u = rnd.nextDouble();
      score[j] = Math.log(u == 0 ? Double.MIN_VALUE : u) / step.keys().get(j).weight();
    }
    java.util.Arrays.sort(idx, Comparator.comparingDouble((Integer j) -> score[j]).reversed());
    for (int j = 0; j < n; j++) {
      order[j] = idx[j];
    }
    return order;
  }

  private List<PlannedAttempt> coolingLast(List<PlannedAttempt> attempts) {
    List<PlannedAttempt> fresh = new ArrayList<>(attempts.size());
    List<PlannedAttempt> cooling = null;
    for (PlannedAttempt a : attempts) {
      long until = cooldowns.untilNanos(a.credentialKey());
      if (until == 0) {
        fresh.add(a);
      } else {
        if (cooling == null) {
          cooling = new ArrayList<>(2);
        }
        cooling.add(a.toBuilder().coolingDownUntilNanos(until)
            .waitRequested(cooldowns.requestedUntilNanos(a.credentialKey()) != 0).build());
      }
    }
    if (cooling == null) {
      return attempts;
    }
    // soonest fresh first; the sort is stable, so equal cooldowns keep their routing order
    cooling.sort(Comparator.comparingLong(PlannedAttempt::coolingDownUntilNanos));
    fresh.addAll(cooling);
    return fresh;
  }

  private static List<RejectedCandidate> reject(@Nullable List<RejectedCandidate> rejected, String requested,
      String source, ErrorCode code, String reason) {
    List<RejectedCandidate> list = rejected == null ? new ArrayList<>(2) : rejected;
    list.add(new RejectedCandidate(requested, source, code, reason));
    return list;
  }
}
