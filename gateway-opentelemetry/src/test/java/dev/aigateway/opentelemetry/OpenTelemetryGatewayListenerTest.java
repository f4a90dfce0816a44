package dev.aigateway.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GenAI spans from a real gateway over a scripted upstream on a fake clock. */
final class OpenTelemetryGatewayListenerTest {
  static final String PRIMARY = "sk-oa-primary-000000";
  static final String BACKUP = "sk-oa-backup-0000000";
  static final String OK = "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final OpenTelemetry otel = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
  private final FakeClock clock = FakeClock.create();
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private Gateway gateway;
  private String token;
  private String primaryId;
  private String backupId;

  @BeforeEach
  void setUp() {
    build(CredentialResolver.storeValues());
  }

  @AfterEach
  void tearDown() {
    tracerProvider.close();
  }

  private void build(CredentialResolver credentials) {
    OpenTelemetryGatewayListener tracing = OpenTelemetryGatewayListener.create(otel);
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).credentialResolver(credentials).clock(clock)
        .upstream(upstream).listener(tracing).build();
    tracing.attach(gateway);
    primaryId = key("openai", "primary", PRIMARY);
    backupId = key("openai", "backup", BACKUP);
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();
  }

  private String key(String provider, String name, String value) {
    return gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(provider).name(name)
        .value(value).build()).id();
  }

  private GatewayResponse chat(String body) {
    return gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
  }

  /** A span's attributes by key name, values as strings. */
  static Map<String, String> attributes(SpanData span) {
    Map<String, String> out = new TreeMap<>();
    span.getAttributes().forEach((k, v) -> out.put(k.getKey(), String.valueOf(v)));
    return out;
  }

  static long nanos(Duration sinceT0) {
    return TimeUnit.SECONDS.toNanos(T0.getEpochSecond()) + sinceT0.toNanos();
  }

  private SpanData request() {
    List<SpanData> requests =
        spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.INTERNAL).toList();
    assertThat(requests).as("request spans").hasSize(1);
    return requests.get(0);
  }

  private SpanData only(String name) {
    List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the host span current
  void aServedRequest_isASpanUnderTheHostsSpan_withOneClientSpanPerAttempt() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.json(200, OK).delay(Duration.ofMillis(250)));
    Span host = otel.getTracer("host").spanBuilder("POST /v1/chat/completions").setSpanKind(SpanKind.SERVER)
        .startSpan();
    String requestId;
    try (Scope ignored = host.makeCurrent(); GatewayResponse r = chat(GPT)) {
      requestId = r.requestId();
    } finally {
      host.end();
    }
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("chat gpt-4o", "chat gpt-4o", "POST /v1/chat/completions");
    SpanData hostSpan = only("POST /v1/chat/completions");
    SpanData request = all.stream().filter(s -> s.getKind() == SpanKind.INTERNAL).findFirst().orElseThrow();
    SpanData attempt = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();

    assertThat(request.getParentSpanId()).isEqualTo(hostSpan.getSpanId());
    assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(request.getTraceId()).isEqualTo(hostSpan.getTraceId()).isEqualTo(attempt.getTraceId());
    assertThat(request.getInstrumentationScopeInfo().getName()).isEqualTo("dev.aigateway.opentelemetry");

    assertThat(attributes(request)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "gen_ai.operation.name", "chat",
        "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "gpt-4o",
        "gen_ai.response.model", "gpt-4o",
        "gen_ai.usage.input_tokens", "12",
        "gen_ai.usage.output_tokens", "5",
        "aigateway.provider", "openai",
        "aigateway.request.id", requestId,
        "aigateway.access_key.id", gateway.authenticate(token).id()));
    assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(request.getStartEpochNanos()).isEqualTo(nanos(Duration.ZERO));
    assertThat(request.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(250)));

    assertThat(attributes(attempt)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("gen_ai.operation.name", "chat"),
        Map.entry("gen_ai.provider.name", "openai"),
        Map.entry("gen_ai.request.model", "gpt-4o"),
        Map.entry("gen_ai.response.model", "gpt-4o"),
        Map.entry("gen_ai.usage.input_tokens", "12"),
        Map.entry("gen_ai.usage.output_tokens", "5"),
        Map.entry("server.address", "api.openai.com"),
        Map.entry("server.port", "443"),
        Map.entry("http.response.status_code", "200"),
        Map.entry("aigateway.provider", "openai"),
        Map.entry("aigateway.provider_key.id", primaryId),
        Map.entry("aigateway.attempt.number", "1"),
        Map.entry("aigateway.attempt.verdict", "succeeded")));
    assertThat(attempt.getStartEpochNanos()).isEqualTo(nanos(Duration.ZERO));
    assertThat(attempt.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(250)));
  }

  @Test
  void failover_isTwoAttemptSpansInOrder_theRateLimitedOneAnError() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(429).header("Retry-After", "5").delay(Duration.ofMillis(40)));
    upstream.forKey(BACKUP).respond(FakeUpstream.json(200, OK).delay(Duration.ofMillis(60)));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
    }
    List<SpanData> attempts = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
    SpanData request = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.INTERNAL)
        .findFirst().orElseThrow();
    assertThat(request.getParentSpanContext().isValid()).as("no host span: a root").isFalse();
    assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(request.getSpanId()));

    SpanData limited = attempts.get(0);
    assertThat(limited.getName()).isEqualTo("chat gpt-4o");
    assertThat(attributes(limited)).containsEntry("error.type", "429").containsEntry("http.response.status_code", "429")
        .containsEntry("aigateway.attempt.verdict", "next_key").containsEntry("aigateway.provider_key.id", primaryId)
        .containsEntry("aigateway.attempt.number", "1")
        .doesNotContainKeys("gen_ai.response.model", "gen_ai.usage.input_tokens");
    assertThat(limited.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(limited.getStartEpochNanos()).isEqualTo(nanos(Duration.ZERO));
    assertThat(limited.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(40)));

    SpanData served = attempts.get(1);
    assertThat(attributes(served)).containsEntry("aigateway.attempt.verdict", "succeeded")
        .containsEntry("aigateway.provider_key.id", backupId).containsEntry("aigateway.attempt.number", "2")
        .containsEntry("gen_ai.response.model", "gpt-4o").doesNotContainKey("error.type");
    assertThat(served.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(served.getStartEpochNanos()).isEqualTo(nanos(Duration.ofMillis(40)));
    assertThat(served.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(100)));

    assertThat(attributes(request)).doesNotContainKey("error.type").containsEntry("gen_ai.response.model", "gpt-4o");
    assertThat(request.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(100)));
  }

  @Test
  void aFallbackModel_isTheResponseModel_whileTheRequestModelIsTheFirstCandidate() {
    key("anthropic", "main", "sk-an-main-00000000");
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(503));
    upstream.forKey("sk-an-main").respond(FakeUpstream.json(200, OK));
    chat("{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"messages\":[]}").close();
    SpanData request = request();
    assertThat(request.getName()).isEqualTo("chat gpt-4o");
    assertThat(attributes(request)).containsEntry("gen_ai.request.model", "gpt-4o")
        .containsEntry("gen_ai.response.model", "claude-sonnet-4-6").containsEntry("gen_ai.provider.name", "anthropic");
    SpanData claude = only("chat claude-sonnet-4-6");
    assertThat(attributes(claude)).containsEntry("server.address", "api.anthropic.com")
        .containsEntry("gen_ai.provider.name", "anthropic");
    assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getKind() == SpanKind.CLIENT)
        .extracting(s -> attributes(s).get("error.type")).containsExactlyInAnyOrder("503", null);
  }

  @Test
  void exhaustion_carriesTheErrorCode_andEachTransportFailureItsType() {
    key("anthropic", "main", "sk-an-main-00000000");
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(200).delay(Duration.ofSeconds(61)));
    upstream.forKey("sk-an-main").respond(FakeUpstream.reply(200).disconnectBeforeHeaders());
    assertThatThrownBy(() -> chat("{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"]}"))
        .isInstanceOf(FailoverExhaustedException.class);
    SpanData request = request();
    assertThat(request.getName()).isEqualTo("chat gpt-4o");
    assertThat(attributes(request)).containsEntry("error.type", "all_providers_failed")
        .containsEntry("gen_ai.provider.name", "anthropic").doesNotContainKey("gen_ai.response.model");
    assertThat(request.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    SpanData timedOut = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();
    assertThat(attributes(timedOut)).containsEntry("error.type", "timeout").doesNotContainKey("http.response.status_code");
    assertThat(timedOut.getEndEpochNanos() - timedOut.getStartEpochNanos())
        .isEqualTo(Duration.ofSeconds(60).toNanos());
    SpanData broken = only("chat claude-sonnet-4-6");
    assertThat(attributes(broken)).containsEntry("error.type", "IOException");
    assertThat(broken.getStatus().getDescription()).isEqualTo("IOException: unexpected end of stream");
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the host span current
  void aStream_endsWithTheStream_evenWhenReadOnAnotherThread_andStaysInTheHostsTrace() throws Exception {
    upstream.forKey(PRIMARY).respond(FakeUpstream.sse(200, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n", "data: [DONE]\n\n")
        .delay(Duration.ofMillis(20)));
    Span host = otel.getTracer("host").spanBuilder("host").startSpan();
    GatewayResponse r;
    try (Scope ignored = host.makeCurrent()) {
      r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"));
    }
    assertThat(spans.getFinishedSpanItems()).as("nothing before the stream ends").isEmpty();
    clock.advance(Duration.ofMillis(480));
    CompletableFuture.runAsync(() -> {
      try (GatewayResponse closing = r; InputStream in = closing.body()) {
        in.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(10, TimeUnit.SECONDS);
    host.end();
    SpanData hostSpan = only("host");
    SpanData request = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.INTERNAL)
        .findFirst().orElseThrow();
    SpanData attempt = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .findFirst().orElseThrow();
    assertThat(request.getParentSpanId()).isEqualTo(hostSpan.getSpanId());
    assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
    assertThat(attributes(request)).containsEntry("gen_ai.request.stream", "true")
        .containsEntry("gen_ai.usage.input_tokens", "7").containsEntry("gen_ai.usage.output_tokens", "3");
    assertThat(attributes(attempt)).containsEntry("gen_ai.request.stream", "true")
        .containsEntry("gen_ai.response.time_to_first_chunk", "0.02")
        .containsEntry("gen_ai.usage.input_tokens", "7").containsEntry("gen_ai.usage.output_tokens", "3")
        .doesNotContainKey("error.type");
    assertThat(attempt.getStartEpochNanos()).isEqualTo(nanos(Duration.ZERO));
    assertThat(attempt.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(500)));
    assertThat(request.getEndEpochNanos()).isEqualTo(nanos(Duration.ofMillis(500)));
  }

  @Test
  void aStreamTheClientClosesEarly_isAnErrorOfTypeClientClosed() throws Exception {
    upstream.forKey(PRIMARY).respond(FakeUpstream.sse(200, "data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n"));
    GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"stream\":true}"));
    r.close();
    assertThat(attributes(spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.INTERNAL)
        .findFirst().orElseThrow())).containsEntry("error.type", "client_closed");
    assertThat(attributes(spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
        .findFirst().orElseThrow())).containsEntry("error.type", "client_closed");
  }

  @Test
  @SuppressWarnings("try") // the scope only makes the host span current
  void rejections_areOneErrorSpanEach_namedForTheOperation() {
    Span host = otel.getTracer("host").spanBuilder("host").startSpan();
    try (Scope ignored = host.makeCurrent()) {
      assertThatThrownBy(() -> gateway.handle(GatewayRequest.of(Surface.EMBEDDINGS, "ng-not-a-token", GPT)))
          .isInstanceOf(GatewayException.class);
    } finally {
      host.end();
    }
    String configuration = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"mini only\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o-mini\"]}}}")).id();
    String scoped = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("scoped")
        .configurationId(configuration).build()).token();
    GatewayException e = catchGateway(() -> gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, scoped, GPT)));
    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);

    SpanData badKey = only("embeddings");
    assertThat(badKey.getParentSpanId()).isEqualTo(only("host").getSpanId());
    assertThat(attributes(badKey)).containsOnlyKeys("gen_ai.operation.name", "error.type", "aigateway.request.id")
        .containsEntry("gen_ai.operation.name", "embeddings").containsEntry("error.type", "invalid_access_key");
    assertThat(badKey.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    SpanData notAllowed = only("chat");
    assertThat(attributes(notAllowed)).containsEntry("error.type", "model_not_allowed")
        .containsEntry("aigateway.request.id", ((RequestRejectedException) e).requestId());
    assertThat(notAllowed.getStatus().getDescription()).isEqualTo(e.getMessage());
    assertThat(notAllowed.getStartEpochNanos()).isEqualTo(notAllowed.getEndEpochNanos());
    assertThat(spans.getFinishedSpanItems()).hasSize(3);
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void noCredentialAtExecution_isOneSpan() {
    spans.reset();
    build(new CredentialResolver() {
      @Override
      public @Nullable SecretValue providerKey(ProviderKey key) {
        return null;
      }

      @Override
      public @Nullable SecretValue managed(String providerId) {
        return null;
      }
    });
    assertThat(catchGateway(() -> chat(GPT)).code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo("chat gpt-4o");
      assertThat(attributes(s)).containsEntry("error.type", "no_credentials");
    });
  }

  @Test
  void theBuilder_refusesANonPositiveBound_namingIt() {
    assertThatThrownBy(() -> OpenTelemetryGatewayListener.builder(otel).maxPendingRequests(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxPendingRequests must be > 0 but was 0");
    assertThatThrownBy(() -> OpenTelemetryGatewayListener.create(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("openTelemetry");
  }

  @Test
  void plansNeverExecuted_areForgottenBeyondTheBound() {
    OpenTelemetryGatewayListener tracing = OpenTelemetryGatewayListener.builder(otel).maxPendingRequests(3).build();
    Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).listener(tracing)
        .build();
    g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k").value(PRIMARY).build());
    String t = g.admin().accessKeys().create(AccessKeyChange.builder().name("a").build()).token();
    for (int i = 0; i < 10; i++) {
      g.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, t, GPT));
    }
    assertThat(tracing).hasToString("OpenTelemetryGatewayListener[3 pending]");
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  static GatewayException catchGateway(Runnable r) {
    try {
      r.run();
    } catch (GatewayException e) {
      return e;
    }
    throw new AssertionError("expected a GatewayException");
  }
}
