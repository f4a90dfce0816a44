package dev.aigateway;

import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.failover.KeyCooldowns;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.internal.attempt.AttemptLoop;
import dev.aigateway.internal.attempt.RequestEvents;
import dev.aigateway.internal.cors.CorsOrigins;
import dev.aigateway.internal.credits.CreditCharger;
import dev.aigateway.internal.usage.UsageRecorder;
import dev.aigateway.internal.tokens.TokenEstimator;
import dev.aigateway.internal.plan.EngineAccess;
import dev.aigateway.internal.plan.Planner;
import dev.aigateway.internal.plan.RoutingState;
import dev.aigateway.routing.RoutePlan;

import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.catalog.Provider;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.admin.DefaultGatewayAdmin;
import dev.aigateway.internal.auth.Authenticator;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.json.GatewayConfigCodec;
import dev.aigateway.internal.limit.BudgetCost;
import dev.aigateway.internal.limit.KeyLimiter;
import dev.aigateway.internal.limit.TokenEstimate;
import dev.aigateway.internal.plan.CompiledConfiguration;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.internal.auth.SecretDigest;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.ResourceType;
import dev.aigateway.spi.SharedCooldowns;
import dev.aigateway.spi.TokenCounter;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.spi.UsagePricing;
import dev.aigateway.spi.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: authenticates access keys, checks their scope, and plans each request's route through
 * the configured routing steps, offline and in-process.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .keyStore(KeyStore.inMemory())
 *     .build();
 * CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyCreate.builder().name("web").build());
 * RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, created.token(),
 *     "{\"model\":\"gpt-4o\",\"messages\":[]}"));
 * System.out.println(plan.explain());
 * }</pre>
 *
 * <p>Thread-safe. Changes made through {@link #admin()} (or to the store, which notifies the gateway)
 * take effect on the next request.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final KeyStore store;
  private final CredentialResolver credentials;
  private final CreditLedger ledger;
  private final RequestEvents events;
  private final UsageLog usageLog;
  private final Clock clock;
  private final ProviderCatalog catalog;
  private final Authenticator authenticator;
  private final KeyCooldowns cooldowns;
  private final LimitCounters limitCounters;
  private final Planner planner;
  private final TokenEstimator tokens;
  private final GatewayAdmin admin;
  private volatile Limits limits;
  private volatile AccountSettings accountSettings;
  private final Object stateLock = new Object();
  private final Object configLock = new Object();
  private final @Nullable AttemptLoop loop;
  private final @Nullable Upstream upstream;
  private volatile boolean closed;
  private volatile @Nullable RoutingState state;

  private Gateway(Builder b) {
    this.store = b.store != null ? b.store : KeyStore.inMemory();
    this.credentials = b.credentials;
    this.ledger = b.ledger != null ? b.ledger : CreditLedger.inMemory(b.clock);
    this.accountSettings = b.corsAllowedOrigins == null ? b.accountSettings
        : b.accountSettings.withCorsAllowedOrigins(b.corsAllowedOrigins);
    this.clock = b.clock;
    this.usageLog = b.usageLog != null ? b.usageLog : UsageLog.inMemory(b.clock);
    this.events = new RequestEvents(b.listener, b.requestLogSize, new UsageRecorder(usageLog, this::cost));
    ProviderCatalog cat = b.catalog;
    for (Map.Entry<String, String> e : b.baseUrls.entrySet()) {
      cat = cat.withBaseUrl(e.getKey(), e.getValue());
    }
    this.catalog = cat;
    this.limits = new Limits(b.maxRequestBytes, b.totalTimeout, b.perAttemptTimeout, b.maxAttempts, b.maxRetryWait);
    this.authenticator = new Authenticator(new AccessTokens(b.tokenPrefix, Ids.ACCESS_KEY),
        new SecretDigest(b.pepper), store, clock, b.maxCachedKeys);
    this.cooldowns = new KeyCooldowns(clock, b.sharedCooldowns);
    this.limitCounters = b.limitCounters != null ? b.limitCounters : LimitCounters.inProcess();
    this.planner = new Planner(credentials, cooldowns, b.random);
    this.tokens = new TokenEstimator(b.tokenCounter != null ? b.tokenCounter : TokenCounter.fourBytesPerToken());
    this.loop = b.upstream == null ? null : new AttemptLoop(this::limits, b.upstream, b.policy, credentials,
        new CreditCharger(ledger, this::accountSettings, tokens),
        clock, cooldowns, events, b.bufferedResponseBytes, b.responseHeaders,
        new KeyLimiter(limitCounters, new BudgetCost(b.usagePricing != null ? b.usagePricing
            : (provider, model, in, out) -> cost(provider, model, true, in, out)),
            clock, new TokenEstimate(tokens)));
    this.upstream = b.upstream;
    this.store.addListener(this::onStoreChange);
    String stored = store.gatewayConfig();
    if (stored != null) {
      try {
        applyGatewayConfig(stored);
      } catch (RuntimeException e) {
        closed = true; // never built: stops following the store it already listens to
        throw new IllegalStateException("The gateway configuration kept in the store cannot be applied: "
            + e.getMessage() + ". Refusing to start with other limits and account settings than the other gateways "
            + "on this store; correct or remove the stored document (PostgreSQL: the table gateway_config).", e);
      }
    }
    this.admin = new DefaultGatewayAdmin(store, clock, authenticator.tokens(), authenticator.digest(),
        new RoutingView() {
          @Override
          public ModelResolver resolver() {
            return state().resolver;
          }

          @Override
          public CompiledConfiguration compileStrict(AccessKeyConfiguration c) {
            return state().compile(c, true);
          }
        }, b.guard);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Plans a request without any network: authenticates the access key, reads the body's {@code model},
   * {@code models} and {@code stream}, resolves and access-checks each candidate, and orders the
   * attempts of each through the matching routing rule.
   *
   * @throws GatewayException with the code and status of the first problem ({@code invalid_access_key},
   *     {@code request_too_large}, {@code invalid_request_body}, {@code insufficient_credits}, or a
   *     {@link RequestRejectedException} when no candidate can be tried)
   */
  public RoutePlan plan(GatewayRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    String requestId = Ids.newRequestId();
    try {
      AccessKey key = authenticator.authenticate(request.accessToken());
      byte[] body = EngineAccess.requests().body(request);
      if (body.length > limits.maxRequestBytes()) {
        throw new GatewayException(ErrorCode.REQUEST_TOO_LARGE, "Request body is " + body.length
            + " bytes; the limit is " + limits.maxRequestBytes() + ".");
      }
      BodyScanner.Result scanned = BodyScanner.scan(body, 0, body.length);
      AccountSettings account = accountSettings;
      if (account.creditsEnforced() && ledger.balanceCents() <= 0) {
        throw new GatewayException(ErrorCode.INSUFFICIENT_CREDITS,
            "The account has run out of credits: add credits (POST /credits/grants) to continue.");
      }
      Long maxInput = account.maxInputTokens();
      if (maxInput != null && body.length > maxInput) { // a token is at least one byte: smaller bodies fit
        long estimate = tokens.jsonTextBounded(body, 0, body.length); // bounded cost, whatever the body
        if (estimate > maxInput) {
          throw new GatewayException(ErrorCode.REQUEST_TOO_LARGE, "Input too large: " + estimate + " tokens (max "
              + maxInput + ").");
        }
      }
      RoutePlan plan = planner.plan(requestId, request, key, state(), scanned);
      events.planned(plan);
      return plan;
    } catch (RequestRejectedException e) {
      events.rejected(requestId, request.surface(), e);
      throw e;
    } catch (GatewayException e) {
      events.rejected(requestId, request.surface(), e);
      throw new RequestRejectedException(e.code(), e.getMessage(), requestId, List.of());
    }
  }

  /**
   * Plans and executes a request: the attempt loop walks the plan's attempts against the upstream,
   * failing over as the {@link FailoverPolicy} says, until a response goes to the client.
   *
   * @return the serving provider's response (2xx, or the 4xx of a request it rejected); close it
   * @throws RequestRejectedException when the request is refused before any upstream call
   * @throws FailoverExhaustedException when every attempt failed ({@code rate_limited},
   *     {@code all_providers_failed}, {@code gateway_timeout})
   * @throws IllegalStateException when the gateway was built without an {@code Upstream}
   */
  public GatewayResponse handle(GatewayRequest request) {
    return execute(plan(request));
  }

  /**
   * Executes a plan made by {@link #plan}; see {@link #handle}. The access key's {@code limits} are
   * counted here, not in {@link #plan} (which stays offline and free): a request over one is refused with
   * {@code access_key_rate_limited} or {@code access_key_budget_exceeded} before any upstream call.
   */
  public GatewayResponse execute(RoutePlan plan) {
    Objects.requireNonNull(plan, "plan");
    checkOpen();
    if (loop == null) {
      throw new IllegalStateException("this gateway has no Upstream: set Gateway.builder().upstream(...)");
    }
    try {
      return loop.execute(plan, state());
    } catch (FailoverExhaustedException e) {
      throw e;
    } catch (RequestRejectedException e) {
      events.rejected(plan.requestId(), plan.surface(), e); // the access key's own limits refused it
      throw e;
    } catch (GatewayException e) {
      events.rejected(plan.requestId(), plan.surface(), e);
      throw new RequestRejectedException(e.code(), e.getMessage(), plan.requestId(), plan.rejected());
    }
  }

  /** A recent request and its attempts (the last {@code requestLogSize}, default 10,000), or null. */
  public @Nullable RequestRecord request(String requestId) {
    return events.recent(Objects.requireNonNull(requestId, "requestId"));
  }

  /**
   * The models this key may call, as {@code provider/model} (catalog models and pass-through models its
   * allow list names), then the virtual models with at least one allowed target. For {@code GET /v1/models}.
   */
  public List<String> models(@Nullable String token) {
    AccessKey key = authenticator.authenticate(token);
    RoutingState s = state();
    CompiledConfiguration cfg = null;
    if (key.configurationId() != null) {
      cfg = s.configuration(key.configurationId());
      if (cfg == null) {
        return List.of();
      }
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Provider p : s.resolver.catalog().providers()) {
      if (cfg != null && !cfg.providerAllowed(p.id())) {
        continue;
      }
      for (String m : p.models()) {
        if (cfg == null || cfg.modelAllowed(p.id(), m.toLowerCase(Locale.ROOT))) {
          out.add(p.id() + "/" + m);
        }
      }
      if (cfg != null && cfg.allowedModels() != null) {
        Set<String> extra = cfg.allowedModels().get(p.id());
        if (extra != null) {
          new TreeSet<>(extra).forEach(m -> {
            if (p.canonicalModel(m) == null) {
              out.add(p.id() + "/" + m);
            }
          });
        }
      }
    }
    for (VirtualModel vm : s.virtualByName.values()) {
      for (String target : vm.targets()) {
        try {
          ModelResolver.Resolved r = s.resolver.resolve(target, null, cfg == null ? ModelResolver.NO_HINTS : cfg);
          if (cfg == null || (cfg.providerAllowed(r.provider().id())
              && cfg.modelAllowed(r.provider().id(), r.model().toLowerCase(Locale.ROOT)))) {
            out.add(vm.name());
            break;
          }
        } catch (GatewayException e) {
          // a target that no longer resolves is simply not offered
        }
      }
    }
    return List.copyOf(out);
  }

  /** Authenticates a token alone; throws {@code invalid_access_key} for any bad token. */
  public AccessKey authenticate(@Nullable String token) {
    return authenticator.authenticate(token);
  }

  /**
   * Whether a credential is meant for this gateway: it starts with the access-token prefix
   * ({@code ng-} unless {@link Builder#tokenPrefix} changed it). Says nothing about validity and asks no
   * store; an adapter uses it to leave a provider's own keys ({@code sk-...}) alone.
   */
  public boolean isAccessTokenForm(@Nullable String credential) {
    return credential != null && credential.startsWith(authenticator.tokens().prefix());
  }

  /** The management API (create, list, update, delete every resource). */
  public GatewayAdmin admin() {
    return admin;
  }

  /** Credential cooldowns shared by every request. */
  public KeyCooldowns cooldowns() {
    return cooldowns;
  }

  /** The counters of per-access-key limits ({@link LimitCounters#inProcess()} unless the builder set others). */
  public LimitCounters limitCounters() {
    return limitCounters;
  }

  /** The built-in catalog with base URL overrides (custom providers come from the store). */
  public ProviderCatalog catalog() {
    return catalog;
  }

  /** The catalog including the store's custom providers, as routing sees it now. */
  public ProviderCatalog effectiveCatalog() {
    return state().resolver.catalog();
  }

  public KeyStore keyStore() {
    return store;
  }

  public CredentialResolver credentials() {
    return credentials;
  }

  public CreditLedger creditLedger() {
    return ledger;
  }

  public Clock clock() {
    return clock;
  }

  /** The counter of token estimates: the builder's, else the registered one, else four bytes a token. */
  public TokenCounter tokenCounter() {
    return tokens.counter();
  }

  /** The usage events of {@code /usage} and {@code /usage/overview}: one per upstream attempt. */
  public UsageLog usageLog() {
    return usageLog;
  }

  public Limits limits() {
    return limits;
  }

  /** The account settings of {@code /gateway-config}: credits, the processing fee, input token limit, metadata. */
  public AccountSettings accountSettings() {
    return accountSettings;
  }

  /**
   * Replaces the account settings of this gateway only; requests that start afterwards use the new ones. A
   * change the store reports later ({@link #saveGatewayConfig}) replaces them again.
   */
  public void updateAccountSettings(AccountSettings settings) {
    this.accountSettings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Replaces the request limits of this gateway only; requests that start afterwards use the new ones. A
   * change the store reports later ({@link #saveGatewayConfig}) replaces them again.
   */
  public void updateLimits(Limits newLimits) {
    this.limits = checked(newLimits);
  }

  private static Limits checked(Limits newLimits) {
    Objects.requireNonNull(newLimits, "newLimits");
    if (newLimits.perAttemptTimeout().compareTo(newLimits.totalTimeout()) > 0 || newLimits.maxAttempts() < 1
        || newLimits.maxRequestBytes() < 1 || newLimits.totalTimeout().isNegative() || newLimits.totalTimeout().isZero()
        || newLimits.perAttemptTimeout().isNegative() || newLimits.perAttemptTimeout().isZero()) {
      throw new IllegalArgumentException("inconsistent limits: " + newLimits);
    }
    return newLimits;
  }

  /**
   * Saves the limits and account settings ({@code /gateway-config}) in the {@link KeyStore} when it keeps them
   * ({@link KeyStore#putGatewayConfig}), and applies them: every gateway on the store applies what the store
   * reports ({@link ResourceType#GATEWAY_CONFIG}), this one before this method returns, others sharing the
   * store when they follow the change (a {@code JdbcKeyStore}: within a second). A gateway built on a store that
   * keeps a configuration starts with it, whatever its builder said.
   *
   * @return false, having changed nothing, when the store does not keep a gateway configuration: then apply
   *     them with {@link #updateLimits} and {@link #updateAccountSettings}, and keep them yourself
   * @throws IllegalArgumentException when the limits are inconsistent (nothing is saved)
   */
  public boolean saveGatewayConfig(Limits newLimits, AccountSettings settings) {
    checked(newLimits);
    Objects.requireNonNull(settings, "settings");
    if (!store.putGatewayConfig(GatewayConfigCodec.document(newLimits, settings))) {
      return false;
    }
    // the store reported it (applied by onStoreChange); a store that reports later is followed then
    applyStoredGatewayConfig(GatewayConfigCodec.document(newLimits, settings));
    return true;
  }

  /**
   * Changes the saved limits and account settings in one step of the store ({@link KeyStore#updateGatewayConfig}):
   * {@code change} is given those the store holds now (this gateway's, where it holds none or holds a document
   * this gateway cannot read, which the change then replaces) and answers the new
   * ones, which are saved and applied as by {@link #saveGatewayConfig}. On a shared store, changes made at once on
   * different instances each apply to what the other saved, so a change of one field never undoes another's.
   *
   * @return false, having changed nothing, when the store does not keep a gateway configuration
   * @throws IllegalArgumentException when the changed limits are inconsistent (nothing is saved); an exception
   *     {@code change} throws comes out likewise
   */
  public boolean updateGatewayConfig(UnaryOperator<GatewayConfig> change) {
    Objects.requireNonNull(change, "change");
    String saved = store.updateGatewayConfig(document -> {
      GatewayConfig current;
      synchronized (configLock) {
        current = new GatewayConfig(limits, accountSettings);
        if (document != null) {
          try {
            current = GatewayConfig.of(GatewayConfigCodec.read(document, limits, accountSettings));
          } catch (ConfigurationException e) {
            // as when it was reported: not applied; the change applies to the one in force and replaces it
            LOG.warn("The stored gateway configuration cannot be read; the change applies to the one in force and "
                + "replaces it: {}", e.getMessage());
          }
        }
      }
      GatewayConfig next = Objects.requireNonNull(change.apply(current), "the changed configuration");
      return GatewayConfigCodec.document(checked(next.limits()), next.settings());
    });
    if (saved == null) {
      return false;
    }
    applyStoredGatewayConfig(saved);
    return true;
  }

  /**
   * Applies the document the store holds now (or {@code otherwise} when it holds none). The store is read
   * under the lock, so the last apply is always of the newest document: a follower thread that read an older
   * one cannot apply it after a newer one.
   */
  private void applyStoredGatewayConfig(@Nullable String otherwise) {
    synchronized (configLock) {
      String stored = store.gatewayConfig();
      String document = stored != null ? stored : otherwise;
      if (document != null) {
        applyGatewayConfig(document);
      }
    }
  }

  /** Reads a stored document over the values in force and applies it; throws when it does not apply. */
  private void applyGatewayConfig(String document) {
    synchronized (configLock) {
      GatewayConfigCodec.Config c = GatewayConfigCodec.read(document, limits, accountSettings);
      Limits l = checked(c.limits());
      this.accountSettings = c.settings();
      this.limits = l;
    }
  }

  private RoutingState state() {
    RoutingState s = state;
    if (s != null) {
      return s;
    }
    synchronized (stateLock) {
      s = state;
      if (s == null) {
        s = new RoutingState(catalog, store);
        state = s;
      }
      return s;
    }
  }

  private void onStoreChange(ResourceType type, String id) {
    if (closed) {
      return;
    }
    if (type == ResourceType.ACCESS_KEY) {
      authenticator.invalidate(id);
      return;
    }
    if (type == ResourceType.ADMIN_KEY) {
      return; // the management API follows admin keys itself; routing does not use them
    }
    if (type == ResourceType.GATEWAY_CONFIG) {
      try {
        applyStoredGatewayConfig(null);
      } catch (RuntimeException e) {
        LOG.warn("The gateway configuration the store reported cannot be applied; the one in force is kept: {}",
            e.getMessage());
      }
      return;
    }
    synchronized (stateLock) {
      state = null;
    }
  }

  /**
   * Stops the gateway: later calls to {@link #plan} and {@link #execute} throw {@link IllegalStateException},
   * store changes are no longer followed, and the {@link Upstream} is closed when it is {@link AutoCloseable}
   * ({@code OkHttpUpstream.create()} releases the client it built; one made on your own client leaves it
   * alone). Responses already returned stay readable. The {@link KeyStore} is the host's: close it yourself.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (upstream instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing the upstream failed; ignored", e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this gateway is closed");
    }
  }

  @Override
  public String toString() {
    return "Gateway[store=" + store + ", limits=" + limits + "]";
  }

  /**
   * What a request costs, as credits price it: the processing fee, plus the catalog's price of the model when
   * {@code withModelPrice} (a model without a price costs the fee alone). Budgets count the model price
   * whoever's key served; credits and the usage log only when a managed credential did.
   */
  private long cost(String provider, String model, boolean withModelPrice, long inputTokens, long outputTokens) {
    long cost = CreditCharger.fee(accountSettings.processingFeeCentsPerMillionTokens(), inputTokens, outputTokens);
    if (!withModelPrice) {
      return cost;
    }
    dev.aigateway.catalog.Provider p = state().resolver.catalog().provider(provider);
    dev.aigateway.catalog.ModelPrice price = p == null ? null : p.price(model);
    return price == null ? cost : Math.addExact(cost, price.costMicroCents(inputTokens, outputTokens));
  }

  /** Builder; {@link #build()} copies every setting. */
  public static final class Builder {
    private @Nullable KeyStore store;
    private @Nullable UsageLog usageLog;
    private CredentialResolver credentials = CredentialResolver.storeValues();
    private @Nullable CreditLedger ledger;
    private AccountSettings accountSettings = AccountSettings.defaults();
    private @Nullable List<String> corsAllowedOrigins;
    private GatewayListener listener = GatewayListener.NONE;
    private Clock clock = Clock.system();
    private ProviderCatalog catalog = ProviderCatalog.builtIn();
    private final Map<String, String> baseUrls = new LinkedHashMap<>();
    private String tokenPrefix = "ng-";
    private byte @Nullable [] pepper;
    private long maxCachedKeys = 100_000;
    private long maxRequestBytes = 20L << 20;
    private Duration totalTimeout = Duration.ofMinutes(2);
    private Duration perAttemptTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 10;
    private Duration maxRetryWait = Duration.ofSeconds(2);
    private @Nullable RandomGenerator random;
    private @Nullable Upstream upstream;
    private FailoverPolicy policy = FailoverPolicy.defaults();
    private int bufferedResponseBytes = 1 << 20;
    private long requestLogSize = 10_000;
    private BaseUrlGuard guard = BaseUrlGuard.syntaxOnly();
    private ResponseHeaderPolicy responseHeaders = ResponseHeaderPolicy.defaults();
    private @Nullable LimitCounters limitCounters;
    private SharedCooldowns sharedCooldowns = SharedCooldowns.NONE;
    private @Nullable UsagePricing usagePricing;
    private @Nullable TokenCounter tokenCounter;

    private Builder() {}

    /**
     * Counts tokens for the estimates made where a provider reports no usage ({@code maxInputTokens}, credits).
     * Default {@link TokenCounter#fourBytesPerToken()}; {@code gateway-tokenizer}'s
     * {@code O200kTokenCounter.create()} counts with the {@code o200k_base} encoding.
     */
    public Builder tokenCounter(TokenCounter tokenCounter) {
      this.tokenCounter = Objects.requireNonNull(tokenCounter, "tokenCounter");
      return this;
    }

    /**
     * The counters of per-access-key limits; default {@link LimitCounters#inProcess()} (per process).
     * {@code gateway-redis} shares them across instances.
     */
    public Builder limitCounters(LimitCounters limitCounters) {
      this.limitCounters = Objects.requireNonNull(limitCounters, "limitCounters");
      return this;
    }

    /**
     * Where provider-requested waits are shared with other instances; default {@link SharedCooldowns#NONE}
     * (this process only). {@code gateway-redis} shares them.
     */
    public Builder sharedCooldowns(SharedCooldowns sharedCooldowns) {
      this.sharedCooldowns = Objects.requireNonNull(sharedCooldowns, "sharedCooldowns");
      return this;
    }

    /**
     * The cost in micro-cents of a served request, charged to its access key's {@code budget}; by default
     * as credits price it: the processing fee plus the catalog's price of the model (user keys included).
     */
    public Builder usagePricing(UsagePricing usagePricing) {
      this.usagePricing = Objects.requireNonNull(usagePricing, "usagePricing");
      return this;
    }

    /**
     * Which custom provider base URLs the admin API accepts; default {@link
     * BaseUrlGuard#syntaxOnly()}. Use {@code BaseUrlGuard.publicHttpsOnly(Resolver.system())}
     * when the management API is exposed to anyone you would not give network access.
     */
    public Builder baseUrlGuard(BaseUrlGuard guard) {
      this.guard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** The transport to providers ({@code OkHttpUpstream} in gateway-okhttp); needed by {@link Gateway#handle}. */
    public Builder upstream(Upstream upstream) {
      this.upstream = Objects.requireNonNull(upstream, "upstream");
      return this;
    }

    /** Verdicts and cooldowns per upstream status; default {@link FailoverPolicy#defaults()}. */
    public Builder failoverPolicy(FailoverPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Which provider response headers reach clients; default {@link ResponseHeaderPolicy#defaults()}
     * (provider-account identifiers and cookies are dropped). Hop-by-hop fields never pass.
     */
    public Builder responseHeaders(ResponseHeaderPolicy responseHeaders) {
      this.responseHeaders = Objects.requireNonNull(responseHeaders, "responseHeaders");
      return this;
    }

    /**
     * How much of a non-streamed response is held in memory; default 1 MiB. A response that ends within it
     * is read whole before it is returned, so a break while reading can still fail over; a larger one is
     * passed to the client as it arrives (and a break after that is an {@link IncompleteStreamException}),
     * so no response holds more than this much memory, however large it is and however many run at once.
     */
    public Builder bufferedResponseBytes(int bufferedResponseBytes) {
      if (bufferedResponseBytes < 1024) {
        throw new IllegalArgumentException("bufferedResponseBytes must be >= 1024 but was " + bufferedResponseBytes);
      }
      this.bufferedResponseBytes = bufferedResponseBytes;
      return this;
    }

    /** How many recent requests {@link Gateway#request(String)} remembers; default 10,000. */
    public Builder requestLogSize(long requestLogSize) {
      if (requestLogSize < 0) {
        throw new IllegalArgumentException("requestLogSize must be >= 0 but was " + requestLogSize);
      }
      this.requestLogSize = requestLogSize;
      return this;
    }

    /** Where resources live; default {@link KeyStore#inMemory()}. */
    public Builder keyStore(KeyStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Where upstream secrets come from; default {@link CredentialResolver#storeValues()}. */
    public Builder credentialResolver(CredentialResolver credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Where the account's credits are kept; default {@link CreditLedger#inMemory(Clock)} (starting at zero,
     * lost with the process). Credits are enforced only when {@link AccountSettings#creditsEnforced()} is on.
     */
    public Builder creditLedger(CreditLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * Where usage events go (one per upstream attempt, served by {@code /usage} and {@code /usage/overview});
     * default {@link UsageLog#inMemory(Clock)} on this builder's clock (100,000 events, 30 days, lost with the
     * process). {@code DataDirectoryUsageLog} keeps them across restarts. The log is the host's: close it
     * yourself.
     */
    public Builder usageLog(UsageLog usageLog) {
      this.usageLog = Objects.requireNonNull(usageLog, "usageLog");
      return this;
    }

    /** Credits, the processing fee and the input token limit; default {@link AccountSettings#defaults()}. */
    public Builder accountSettings(AccountSettings accountSettings) {
      this.accountSettings = Objects.requireNonNull(accountSettings, "accountSettings");
      return this;
    }

    /**
     * The browser origins allowed to call the {@code /v1} surfaces (CORS), each {@code scheme://host[:port]}
     * or {@code *} for any; it replaces the list of the {@linkplain #accountSettings account settings}, whether
     * they are set before or after. Default: none (CORS off). {@code /gateway-config} changes it at run time.
     *
     * @throws IllegalArgumentException naming the first malformed entry
     */
    public Builder corsAllowedOrigins(List<String> origins) {
      this.corsAllowedOrigins = CorsOrigins.normalizeAll(Objects.requireNonNull(origins, "origins"));
      return this;
    }

    /** As {@link #corsAllowedOrigins(List)}. */
    public Builder corsAllowedOrigins(String... origins) {
      return corsAllowedOrigins(List.of(origins));
    }

    public Builder listener(GatewayListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Default {@link Clock#system()}; tests pass a {@code FakeClock}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The built-in providers; default {@link ProviderCatalog#builtIn()}. */
    public Builder catalog(ProviderCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /** Overrides a built-in provider's base URL (including its version segment). */
    public Builder baseUrl(String providerId, String baseUrl) {
      Objects.requireNonNull(providerId, "providerId");
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!catalog.isKnown(providerId)) {
        throw new IllegalArgumentException("unknown provider '" + providerId + "'");
      }
      baseUrls.put(providerId, baseUrl);
      return this;
    }

    /** The access token prefix; default {@code ng-}. */
    public Builder tokenPrefix(String tokenPrefix) {
      Objects.requireNonNull(tokenPrefix, "tokenPrefix");
      new AccessTokens(tokenPrefix, Ids.ACCESS_KEY); // validates
      this.tokenPrefix = tokenPrefix;
      return this;
    }

    /**
     * A server-side secret mixed into token digests (HMAC-SHA-256 instead of SHA-256). Keys created with
     * one pepper only verify with the same pepper.
     */
    public Builder pepper(byte[] pepper) {
      Objects.requireNonNull(pepper, "pepper");
      if (pepper.length < 16) {
        throw new IllegalArgumentException("pepper must be at least 16 bytes but was " + pepper.length);
      }
      this.pepper = pepper.clone();
      return this;
    }

    /** How many authenticated keys stay cached; default 100,000. */
    public Builder maxCachedKeys(long maxCachedKeys) {
      if (maxCachedKeys < 0) {
        throw new IllegalArgumentException("maxCachedKeys must be >= 0 but was " + maxCachedKeys);
      }
      this.maxCachedKeys = maxCachedKeys;
      return this;
    }

    /** Largest request body; default 20 MiB. */
    public Builder maxRequestBytes(long maxRequestBytes) {
      if (maxRequestBytes <= 0 || maxRequestBytes > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("maxRequestBytes must be from 1 to 2^31-9 but was " + maxRequestBytes);
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** One deadline for the whole request, across attempts; default 120 s. */
    public Builder totalTimeout(Duration totalTimeout) {
      this.totalTimeout = positive(totalTimeout, "totalTimeout");
      return this;
    }

    /** Deadline of each upstream attempt; default 60 s. */
    public Builder perAttemptTimeout(Duration perAttemptTimeout) {
      this.perAttemptTimeout = positive(perAttemptTimeout, "perAttemptTimeout");
      return this;
    }

    /** Most upstream attempts per request; default 10. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts <= 0) {
        throw new IllegalArgumentException("maxAttempts must be > 0 but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Longest single wait for a cooling key when every key is cooling; default 2 s. */
    public Builder maxRetryWait(Duration maxRetryWait) {
      Objects.requireNonNull(maxRetryWait, "maxRetryWait");
      if (maxRetryWait.isNegative()) {
        throw new IllegalArgumentException("maxRetryWait must be >= 0 but was " + maxRetryWait);
      }
      this.maxRetryWait = maxRetryWait;
      return this;
    }

    /** Randomness for the {@code weighted} strategy; default a thread-local generator. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public Gateway build() {
      for (int status = 100; status < 600; status++) {
        RetryAction verdict = policy.classify(status);
        if (verdict != RetryAction.SUCCEEDED && verdict != RetryAction.NEXT_KEY && verdict != RetryAction.NEXT_BACKEND
            && verdict != RetryAction.FAIL_FAST) {
          throw new IllegalStateException("failoverPolicy.classify(" + status + ") returned " + verdict
              + "; a policy answers SUCCEEDED, NEXT_KEY, NEXT_BACKEND or FAIL_FAST");
        }
      }
      if (perAttemptTimeout.compareTo(totalTimeout) > 0) {
        throw new IllegalStateException("perAttemptTimeout (" + perAttemptTimeout + ") must not exceed totalTimeout ("
            + totalTimeout + ")");
      }
      return new Gateway(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0 but was " + d);
      }
      return d;
    }
  }

  /**
   * The limits and the account settings together: what {@code /gateway-config} holds, and what
   * {@link #updateGatewayConfig} changes.
   */
  public record GatewayConfig(Limits limits, AccountSettings settings) {
    public GatewayConfig {
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(settings, "settings");
    }

    static GatewayConfig of(GatewayConfigCodec.Config c) {
      return new GatewayConfig(c.limits(), c.settings());
    }
  }

  /**
   * The account settings of {@code /gateway-config}.
   *
   * @param creditsEnforced whether requests are charged and refused with {@code insufficient_credits} while
   *     the balance is zero or less; off by default, so a fresh install never refuses traffic
   * @param processingFeeCentsPerMillionTokens the fee charged per million request plus response tokens of
   *     every served request (default 5: USD 0.05), 0 to 1,000,000
   * @param maxInputTokens requests whose estimated input tokens exceed it are refused with
   *     {@code request_too_large} before any upstream call; null: no limit
   * @param maxOutputTokens kept and shown, not applied (the reference does not say how it applies); null: none
   * @param metadata free text up to 4,096 characters, or null
   * @param accountId the operator's name for this account (billing exports, dashboards), up to 255
   *     characters, or null
   * @param corsAllowedOrigins the browser origins allowed to call the {@code /v1} surfaces (CORS): each
   *     {@code scheme://host[:port]}, or {@code *} for any; kept lower-cased, without a default port and
   *     without duplicates. Empty (the default): CORS is off and no {@code Access-Control-*} header is sent
   */
  public record AccountSettings(boolean creditsEnforced, long processingFeeCentsPerMillionTokens,
      @Nullable Long maxInputTokens, @Nullable Long maxOutputTokens, @Nullable String metadata,
      @Nullable String accountId, List<String> corsAllowedOrigins) {
    /** The default processing fee: 5 cents (USD 0.05) per million tokens. */
    public static final long DEFAULT_PROCESSING_FEE = 5;

    public AccountSettings {
      if (processingFeeCentsPerMillionTokens < 0 || processingFeeCentsPerMillionTokens > 1_000_000) {
        throw new IllegalArgumentException("processingFeeCentsPerMillionTokens must be from 0 to 1000000 but was "
            + processingFeeCentsPerMillionTokens);
      }
      if (maxInputTokens != null && maxInputTokens < 1) {
        throw new IllegalArgumentException("maxInputTokens must be >= 1 but was " + maxInputTokens);
      }
      if (maxOutputTokens != null && maxOutputTokens < 1) {
        throw new IllegalArgumentException("maxOutputTokens must be >= 1 but was " + maxOutputTokens);
      }
      if (metadata != null && metadata.length() > 4096) {
        throw new IllegalArgumentException("metadata must be at most 4096 characters but was " + metadata.length());
      }
      if (accountId != null && accountId.length() > 255) {
        throw new IllegalArgumentException("accountId must be at most 255 characters but was " + accountId.length());
      }
      corsAllowedOrigins = CorsOrigins.normalizeAll(Objects.requireNonNull(corsAllowedOrigins, "corsAllowedOrigins"));
    }

    /** Settings without allowed browser origins (CORS off). */
    public AccountSettings(boolean creditsEnforced, long processingFeeCentsPerMillionTokens,
        @Nullable Long maxInputTokens, @Nullable Long maxOutputTokens, @Nullable String metadata,
        @Nullable String accountId) {
      this(creditsEnforced, processingFeeCentsPerMillionTokens, maxInputTokens, maxOutputTokens, metadata, accountId,
          List.of());
    }

    /** Credits not enforced, the default fee, no token limits, no metadata, no account id, CORS off. */
    public static AccountSettings defaults() {
      return new AccountSettings(false, DEFAULT_PROCESSING_FEE, null, null, null, null, List.of());
    }

    /** A copy with {@code creditsEnforced} changed. */
    public AccountSettings withCreditsEnforced(boolean enforced) {
      return new AccountSettings(enforced, processingFeeCentsPerMillionTokens, maxInputTokens, maxOutputTokens,
          metadata, accountId, corsAllowedOrigins);
    }

    /**
     * A copy with other allowed browser origins ({@code scheme://host[:port]} each, or {@code *}); empty turns
     * CORS off.
     *
     * @throws IllegalArgumentException naming the first malformed entry ({@code corsAllowedOrigins[1] must ...})
     */
    public AccountSettings withCorsAllowedOrigins(List<String> origins) {
      return new AccountSettings(creditsEnforced, processingFeeCentsPerMillionTokens, maxInputTokens, maxOutputTokens,
          metadata, accountId, origins);
    }
  }

  /** The request limits in force. */
  public record Limits(long maxRequestBytes, Duration totalTimeout, Duration perAttemptTimeout, int maxAttempts,
      Duration maxRetryWait) {}
}
