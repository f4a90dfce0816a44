package dev.aigateway.micrometer;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.KeyCooldowns;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.GatewayListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Records what the gateway does as Micrometer meters:
 *
 * <ul>
 *   <li>timer {@code aigateway.requests}, tags {@code surface}, {@code provider}, {@code model},
 *       {@code outcome}: one per request, from its start to its end (for a stream, the end of the stream);
 *   <li>counter {@code aigateway.attempts}, tags {@code provider}, {@code verdict}: one per upstream attempt;
 *   <li>counter {@code aigateway.tokens}, tags {@code provider}, {@code model}, {@code type}
 *       ({@code input} or {@code output}): tokens the providers reported;
 *   <li>gauge {@code aigateway.cooldowns.active}: credentials cooling down now, over the gateways this
 *       listener was {@linkplain #attach(Gateway) attached} to.
 * </ul>
 *
 * <p>{@code outcome} is {@code succeeded} (a 2xx response), {@code provider_rejected} (the provider's own
 * 4xx went to the client), or the gateway's error code: {@code rate_limited}, {@code all_providers_failed},
 * {@code gateway_timeout}, {@code stream_failed}, {@code client_closed}, and for a request refused before
 * any upstream call its code ({@code invalid_access_key}, {@code model_not_allowed}, ...). A refused
 * request is timed as zero (the gateway refuses while planning, and the listener hears of it only then),
 * with {@code provider} and {@code model} {@code none}.
 *
 * <p>Cardinality: {@code provider} is a provider id of the catalog or a custom provider (the operator's
 * list). {@code model} is the model that was sent upstream, which a client can choose freely when a
 * pinned model the catalog does not know is passed through; so a model the catalog (custom providers'
 * models included, once attached) lists is tagged with the catalog's spelling, and any other model
 * {@code other}, unless {@link Builder#uncataloguedModels(int)} lets the first few distinct ones keep their
 * lower-case id. No access key id, token or provider key ever becomes a tag.
 *
 * <pre>{@code
 * MicrometerGatewayListener metrics = MicrometerGatewayListener.create(registry);
 * Gateway gateway = Gateway.builder().listener(metrics).upstream(upstream).build();
 * metrics.attach(gateway);
 * }</pre>
 *
 * <p>Thread-safe; each callback does a few map lookups and meter updates on the request thread.
 */
public final class MicrometerGatewayListener extends GatewayListener {
  /** Timer of requests. */
  public static final String REQUESTS = "aigateway.requests";
  /** Counter of upstream attempts. */
  public static final String ATTEMPTS = "aigateway.attempts";
  /** Counter of tokens reported by providers. */
  public static final String TOKENS = "aigateway.tokens";
  /** Gauge of credentials cooling down. */
  public static final String COOLDOWNS_ACTIVE = "aigateway.cooldowns.active";
  /** The {@code provider} and {@code model} of a request that made no upstream attempt. */
  public static final String NONE = "none";
  /** The {@code model} of a model the catalog does not list (beyond {@link Builder#uncataloguedModels}). */
  public static final String OTHER = ModelTags.OTHER;
  /** The {@code outcome} of a request served with a 2xx. */
  public static final String SUCCEEDED = "succeeded";
  /** The {@code outcome} of a request whose provider refused it with a 4xx that went to the client. */
  public static final String PROVIDER_REJECTED = "provider_rejected";

  private static final String REQUESTS_DESCRIPTION = "Gateway requests, from arrival to the end of the response";

  private final MeterRegistry registry;
  private final ModelTags models;
  private final List<WeakReference<KeyCooldowns>> cooldowns = new CopyOnWriteArrayList<>();
  private volatile Clock clock = Clock.system();
  /**
   * The last request this thread completed. When execution finds no credential at all, the gateway both
   * completes the request and reports it refused, on the same thread; it is counted once.
   */
  private final ThreadLocal<@Nullable String> lastCompleted = new ThreadLocal<>();

  private MicrometerGatewayListener(Builder b) {
    this.registry = b.registry;
    this.models = new ModelTags(b.uncataloguedModels);
    Gauge.builder(COOLDOWNS_ACTIVE, this, MicrometerGatewayListener::activeCooldowns)
        .description("Credentials cooling down now (after 401/402/403/429), over the attached gateways")
        .register(registry);
  }

  /** A listener with the defaults, recording into {@code registry}. */
  public static MicrometerGatewayListener create(MeterRegistry registry) {
    return builder(registry).build();
  }

  /** A builder recording into {@code registry}. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Reads {@code gateway}'s cooldowns for the gauge {@code aigateway.cooldowns.active}, its clock for request
   * durations (so a fake clock in tests gives exact times) and its catalog, custom providers included, for
   * the {@code model} tag. Call it once the gateway is built; until then the gauge reads 0, durations use
   * the system clock and only the built-in catalog's models count as catalogued. The gateway is held weakly.
   *
   * @return this listener
   */
  public MicrometerGatewayListener attach(Gateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    cooldowns.add(new WeakReference<>(gateway.cooldowns()));
    clock = gateway.clock();
    WeakReference<Gateway> ref = new WeakReference<>(gateway);
    models.catalog(() -> {
      Gateway g = ref.get();
      return g == null ? ProviderCatalog.builtIn() : g.effectiveCatalog();
    });
    return this;
  }

  @Override
  public void rejected(String requestId, Surface surface, GatewayException error) {
    if (requestId.equals(lastCompleted.get())) {
      lastCompleted.remove(); // already counted when it completed
      return;
    }
    Timer.builder(REQUESTS).description(REQUESTS_DESCRIPTION).tags(Tags.of("surface", surface.id(), "provider",
        NONE, "model", NONE, "outcome", error.code().code())).register(registry).record(Duration.ZERO);
  }

  @Override
  public void completed(RequestRecord request) {
    lastCompleted.set(request.requestId());
    List<AttemptRecord> attempts = request.attempts();
    String provider = NONE;
    String model = NONE;
    if (!attempts.isEmpty()) {
      AttemptRecord last = attempts.get(attempts.size() - 1);
      provider = last.provider();
      model = models.tag(last.provider(), last.model());
    }
    Duration took = Duration.between(request.startedAt(), clock.now());
    Timer.builder(REQUESTS).description(REQUESTS_DESCRIPTION)
        .tags(Tags.of("surface", request.surface().id(), "provider", provider, "model", model, "outcome",
            outcome(request)))
        .register(registry).record(took.isNegative() ? Duration.ZERO : took);
    for (int i = 0; i < attempts.size(); i++) {
      AttemptRecord a = attempts.get(i);
      Counter.builder(ATTEMPTS).description("Upstream attempts, by what the gateway did next")
          .tags("provider", a.provider(), "verdict", a.retryAction().json()).register(registry).increment();
      if (a.inputTokens() > 0 || a.outputTokens() > 0) {
        String m = i == attempts.size() - 1 ? model : models.tag(a.provider(), a.model());
        tokens(a.provider(), m, "input", a.inputTokens());
        tokens(a.provider(), m, "output", a.outputTokens());
      }
    }
  }

  private void tokens(String provider, String model, String type, long n) {
    if (n > 0) {
      Counter.builder(TOKENS).description("Tokens reported by providers").baseUnit("tokens")
          .tags("provider", provider, "model", model, "type", type).register(registry).increment((double) n);
    }
  }

  private static String outcome(RequestRecord r) {
    String code = r.errorCode();
    if (code != null) {
      return code;
    }
    return r.status() >= 200 && r.status() < 300 ? SUCCEEDED : PROVIDER_REJECTED;
  }

  private double activeCooldowns() {
    cooldowns.removeIf(ref -> ref.get() == null);
    int n = 0;
    for (WeakReference<KeyCooldowns> ref : cooldowns) {
      KeyCooldowns c = ref.get();
      if (c != null) {
        n += c.snapshot().size();
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "MicrometerGatewayListener[" + registry.getClass().getSimpleName() + "]";
  }

  /** Builds a {@link MicrometerGatewayListener}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private int uncataloguedModels;

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * How many distinct models the catalog does not list get a {@code model} tag of their own, the first
     * ones seen; later ones are tagged {@code other}. The default, 0, tags every uncatalogued model
     * {@code other}: such a model id is whatever a client pinned, so a limit above 0 lets client-chosen
     * strings (at most that many) become tag values.
     */
    public Builder uncataloguedModels(int limit) {
      if (limit < 0 || limit > 10_000) {
        throw new IllegalArgumentException("uncataloguedModels must be between 0 and 10000 but was " + limit);
      }
      this.uncataloguedModels = limit;
      return this;
    }

    public MicrometerGatewayListener build() {
      return new MicrometerGatewayListener(this);
    }
  }
}
