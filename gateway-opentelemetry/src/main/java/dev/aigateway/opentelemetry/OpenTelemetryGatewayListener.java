package dev.aigateway.opentelemetry;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.Provider;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.Completion;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.GatewayListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records a span per gateway request and a child span per upstream attempt, following the OpenTelemetry
 * GenAI semantic conventions.
 *
 * <ul>
 *   <li>The request span (kind {@code INTERNAL}) is named {@code {gen_ai.operation.name} {gen_ai.request.model}}
 *       ({@code chat gpt-4o}); it runs from the request's start to its end (a stream's end for a stream) and
 *       carries the serving provider and model, the usage, and {@code error.type} (the gateway's error code,
 *       or the provider's status) when it failed.
 *   <li>Each attempt span (kind {@code CLIENT}) is named after the model it sent upstream and carries the
 *       provider, {@code server.address}/{@code server.port} of the provider's base URL, the HTTP status,
 *       the usage, the verdict, and {@code error.type} ({@code timeout}, the status code, or the transport
 *       exception's class name) when it failed.
 * </ul>
 *
 * <p>Spans are made after the fact, with explicit timestamps from the records: the listener hears of an
 * attempt when its verdict is known and of a request when it ends. An attempt starts its duration before
 * its verdict and, when it served a stream, ends with the stream.
 *
 * <p>Context: the request span is a child of the {@link Context#current() current context} of the thread
 * that planned the request (the host's server span, if any), captured when the plan is made, so a stream
 * that ends on another thread still joins the host's trace. The listener never makes its spans current: the
 * transport's own instrumentation (of the HTTP client) parents to the host's span, not to the attempt span.
 *
 * <p>No token or provider key value is ever an attribute: only ids ({@code aigateway.request.id},
 * {@code aigateway.access_key.id}, {@code aigateway.provider_key.id}), provider and model names and numbers.
 *
 * <pre>{@code
 * OpenTelemetryGatewayListener tracing = OpenTelemetryGatewayListener.create(openTelemetry);
 * Gateway gateway = Gateway.builder().listener(tracing).upstream(upstream).build();
 * tracing.attach(gateway);
 * }</pre>
 *
 * <p>Thread-safe. Between a request's plan and its end the listener keeps a few words per request (at most
 * {@link Builder#maxPendingRequests(int)}, oldest dropped first; a plan that is never executed is dropped
 * that way).
 */
public final class OpenTelemetryGatewayListener extends GatewayListener {
  /** The instrumentation scope name of the tracer. */
  public static final String INSTRUMENTATION_NAME = "dev.aigateway.opentelemetry";

  private final Tracer tracer;
  private final PendingRequests pending;
  private volatile Clock clock = Clock.system();
  private volatile Supplier<ProviderCatalog> catalog = ProviderCatalog::builtIn;
  /**
   * The last request this thread completed. When execution finds no credential at all, the gateway both
   * completes the request and reports it refused, on the same thread; it gets one span.
   */
  private final ThreadLocal<@Nullable String> lastCompleted = new ThreadLocal<>();

  private OpenTelemetryGatewayListener(Builder b) {
    this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.pending = new PendingRequests(b.maxPendingRequests);
  }

  /** A listener with the defaults, recording through {@code openTelemetry}'s tracer provider. */
  public static OpenTelemetryGatewayListener create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Reads {@code gateway}'s clock for span timestamps (the records' times come from it, so a fake clock in
   * tests gives exact times) and its catalog, custom providers and base URL overrides included, for
   * {@code server.address}. Until then the system clock and the built-in catalog are used. The gateway is
   * held weakly.
   *
   * @return this listener
   */
  public OpenTelemetryGatewayListener attach(Gateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    clock = gateway.clock();
    WeakReference<Gateway> ref = new WeakReference<>(gateway);
    catalog = () -> {
      Gateway g = ref.get();
      return g == null ? ProviderCatalog.builtIn() : g.effectiveCatalog();
    };
    return this;
  }

  @Override
  public void planned(RoutePlan plan) {
    pending.put(plan.requestId(), new PendingRequests.Request(Context.current(), requestModel(plan), plan.stream(),
        clock.now()));
  }

  /** The model of the plan's first candidate, as the provider spells it. */
  private static @Nullable String requestModel(RoutePlan plan) {
    return plan.candidates().isEmpty() ? null : plan.candidates().get(0).model();
  }

  @Override
  public void attempt(RoutePlan plan, AttemptRecord attempt) {
    PendingRequests.Request r = pending.get(plan.requestId());
    if (r == null) { // dropped, or a plan the host built itself
      r = new PendingRequests.Request(Context.current(), requestModel(plan), plan.stream(), clock.now());
      pending.put(plan.requestId(), r);
    }
    r.attemptEnded(attempt.attemptNumber(), clock.now());
  }

  @Override
  public void rejected(String requestId, Surface surface, GatewayException error) {
    if (requestId.equals(lastCompleted.get())) {
      lastCompleted.remove(); // its span was made when it completed
      return;
    }
    Instant now = clock.now();
    PendingRequests.Request r = pending.remove(requestId);
    String operation = GenAi.operation(surface);
    String model = r == null ? null : r.model;
    SpanBuilder b = tracer.spanBuilder(name(operation, model)).setSpanKind(SpanKind.INTERNAL)
        .setParent(r == null ? Context.current() : r.parent).setStartTimestamp(r == null ? now : r.plannedAt)
        .setAttribute(GenAi.OPERATION_NAME, operation).setAttribute(GenAi.ERROR_TYPE, error.code().code())
        .setAttribute(GenAi.REQUEST_ID, requestId);
    if (model != null) {
      b.setAttribute(GenAi.REQUEST_MODEL, model);
    }
    Span span = b.startSpan();
    span.setStatus(StatusCode.ERROR, error.getMessage());
    span.end(now);
  }

  @Override
  public void completed(RequestRecord request) {
    lastCompleted.set(request.requestId());
    Instant end = clock.now();
    PendingRequests.Request r = pending.remove(request.requestId());
    List<AttemptRecord> attempts = request.attempts();
    AttemptRecord last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    String operation = GenAi.operation(request.surface());
    String model = r != null ? r.model : last != null ? last.model() : null;
    Context base = r == null ? Context.current() : r.parent;
    SpanBuilder b = tracer.spanBuilder(name(operation, model)).setSpanKind(SpanKind.INTERNAL)
        .setParent(base).setStartTimestamp(request.startedAt())
        .setAttribute(GenAi.OPERATION_NAME, operation).setAttribute(GenAi.REQUEST_ID, request.requestId())
        .setAttribute(GenAi.ACCESS_KEY_ID, request.accessKeyId());
    if (model != null) {
      b.setAttribute(GenAi.REQUEST_MODEL, model);
    }
    if (r != null ? r.stream : last != null && last.streaming()) {
      b.setAttribute(GenAi.REQUEST_STREAM, true);
    }
    long input = 0;
    long output = 0;
    for (AttemptRecord a : attempts) {
      input += a.inputTokens();
      output += a.outputTokens();
    }
    if (last != null) {
      b.setAttribute(GenAi.PROVIDER_NAME, GenAi.provider(last.provider()));
      b.setAttribute(GenAi.PROVIDER_ID, last.provider());
      if (last.served()) {
        b.setAttribute(GenAi.RESPONSE_MODEL, last.model());
      }
    }
    if (input > 0 || output > 0) {
      b.setAttribute(GenAi.USAGE_INPUT_TOKENS, input).setAttribute(GenAi.USAGE_OUTPUT_TOKENS, output);
    }
    String errorType = request.errorCode();
    if (errorType == null && (request.status() < 200 || request.status() >= 300)) {
      errorType = String.valueOf(request.status());
    }
    if (errorType != null) {
      b.setAttribute(GenAi.ERROR_TYPE, errorType);
    }
    Span span = b.startSpan();
    if (errorType != null) {
      span.setStatus(StatusCode.ERROR, errorType);
    }
    Context parent = base.with(span);
    Instant cursor = request.startedAt();
    for (int i = 0; i < attempts.size(); i++) {
      AttemptRecord a = attempts.get(i);
      Instant verdict = r == null ? null : r.attemptEnd(a.attemptNumber());
      if (verdict == null) {
        verdict = cursor.plusMillis(a.durationMillis()); // not seen: laid end to end
      }
      Instant start = verdict.minusMillis(a.durationMillis());
      boolean servedStream = i == attempts.size() - 1 && a.streaming() && a.served();
      attemptSpan(operation, a, parent, start.isBefore(request.startedAt()) ? request.startedAt() : start,
          servedStream ? end : verdict, servedStream ? request.errorCode() : null);
      cursor = verdict;
    }
    span.end(end);
  }

  private void attemptSpan(String operation, AttemptRecord a, Context parent, Instant start, Instant end,
      @Nullable String streamError) {
    SpanBuilder b = tracer.spanBuilder(name(operation, a.model())).setSpanKind(SpanKind.CLIENT).setParent(parent)
        .setStartTimestamp(start)
        .setAttribute(GenAi.OPERATION_NAME, operation)
        .setAttribute(GenAi.PROVIDER_NAME, GenAi.provider(a.provider()))
        .setAttribute(GenAi.PROVIDER_ID, a.provider())
        .setAttribute(GenAi.REQUEST_MODEL, a.model())
        .setAttribute(GenAi.ATTEMPT_NUMBER, (long) a.attemptNumber())
        .setAttribute(GenAi.VERDICT, a.retryAction().json());
    String keyId = a.providerKeyId();
    if (keyId != null) {
      b.setAttribute(GenAi.PROVIDER_KEY_ID, keyId);
    }
    server(b, a.provider());
    boolean ok = a.statusCode() >= 200 && a.statusCode() < 300;
    if (a.statusCode() > 0) {
      b.setAttribute(GenAi.HTTP_STATUS, (long) a.statusCode());
    }
    if (ok) {
      b.setAttribute(GenAi.RESPONSE_MODEL, a.model());
    }
    if (a.streaming()) {
      b.setAttribute(GenAi.REQUEST_STREAM, true);
      if (ok) {
        b.setAttribute(GenAi.TIME_TO_FIRST_CHUNK, a.durationMillis() / 1000.0);
      }
    }
    if (a.inputTokens() > 0 || a.outputTokens() > 0) {
      b.setAttribute(GenAi.USAGE_INPUT_TOKENS, a.inputTokens()).setAttribute(GenAi.USAGE_OUTPUT_TOKENS,
          a.outputTokens());
    }
    String errorType = errorType(a, streamError);
    if (errorType != null) {
      b.setAttribute(GenAi.ERROR_TYPE, errorType);
    }
    Span span = b.startSpan();
    if (errorType != null) {
      String detail = a.error();
      span.setStatus(StatusCode.ERROR, detail != null ? detail : errorType);
    }
    span.end(end);
  }

  /** {@code error.type} of an attempt, or null when it succeeded. */
  private static @Nullable String errorType(AttemptRecord a, @Nullable String streamError) {
    if (a.timedOut() || a.completion() == Completion.TIMED_OUT) {
      return "timeout";
    }
    if (a.completion() == Completion.STREAM_FAILED) {
      return "stream_failed";
    }
    if (a.statusCode() == 0) {
      String error = a.error();
      int colon = error == null ? -1 : error.indexOf(':');
      String type = error == null ? "" : colon < 0 ? error : error.substring(0, colon);
      return type.isBlank() ? "_OTHER" : type.strip();
    }
    if (a.statusCode() < 200 || a.statusCode() >= 300) {
      return String.valueOf(a.statusCode());
    }
    return streamError; // a served stream the client closed early
  }

  private void server(SpanBuilder b, String providerId) {
    Provider provider = catalog.get().provider(providerId);
    if (provider == null) {
      return;
    }
    try {
      URI uri = URI.create(provider.baseUrl());
      String host = uri.getHost();
      if (host == null) {
        return;
      }
      int port = uri.getPort() > 0 ? uri.getPort() : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : 443;
      b.setAttribute(GenAi.SERVER_ADDRESS, host).setAttribute(GenAi.SERVER_PORT, (long) port);
    } catch (IllegalArgumentException e) {
      // a base URL the gateway would refuse anyway: no address
    }
  }

  private static String name(String operation, @Nullable String model) {
    return model == null ? operation : operation + " " + model;
  }

  @Override
  public String toString() {
    return "OpenTelemetryGatewayListener[" + pending.size() + " pending]";
  }

  /** Builds an {@link OpenTelemetryGatewayListener}. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private int maxPendingRequests = 10_000;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * How many planned requests that have not ended yet the listener remembers (default 10,000). Beyond
     * that the oldest is forgotten: its spans are still made when it ends, parented to the context current
     * then, with its attempts laid end to end.
     */
    public Builder maxPendingRequests(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingRequests must be > 0 but was " + max);
      }
      this.maxPendingRequests = max;
      return this;
    }

    public OpenTelemetryGatewayListener build() {
      return new OpenTelemetryGatewayListener(this);
    }
  }
}
