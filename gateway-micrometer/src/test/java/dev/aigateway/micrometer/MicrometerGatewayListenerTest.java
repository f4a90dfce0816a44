package dev.aigateway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters of DESIGN §10, recorded from a real gateway over a scripted upstream on a fake clock. */
final class MicrometerGatewayListenerTest {
  static final String PRIMARY = "sk-oa-primary-000000";
  static final String BACKUP = "sk-oa-backup-0000000";
  static final String OK = "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FakeClock clock = FakeClock.create();
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private Gateway gateway;
  private String token;

  @BeforeEach
  void setUp() {
    build(CredentialResolver.storeValues(), MicrometerGatewayListener.create(registry));
  }

  private void build(CredentialResolver credentials, MicrometerGatewayListener metrics) {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).credentialResolver(credentials).clock(clock)
        .upstream(upstream).listener(metrics).build();
    metrics.attach(gateway);
    key("openai", "primary", PRIMARY);
    key("openai", "backup", BACKUP);
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();
  }

  private String key(String provider, String name, String value) {
    return gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(provider).name(name)
        .value(value).build()).id();
  }

  private GatewayResponse chat(String body) {
    return gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
  }

  /** Every meter as {@code name{tag=value,...}} with its count (timers: count and total milliseconds). */
  static Map<String, String> meters(MeterRegistry registry) {
    Map<String, String> out = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      StringBuilder id = new StringBuilder(m.getId().getName()).append('{');
      for (Tag t : m.getId().getTags()) {
        id.append(t.getKey()).append('=').append(t.getValue()).append(',');
      }
      id.setLength(id.length() - 1);
      String key = id.append(m.getId().getTags().isEmpty() ? "" : "}").toString();
      if (m instanceof Timer t) {
        out.put(key, t.count() + " in " + (long) t.totalTime(TimeUnit.MILLISECONDS) + " ms");
      } else if (m instanceof Counter c) {
        out.put(key, String.valueOf((long) c.count()));
      } else {
        m.measure().forEach(ms -> out.put(key, String.valueOf((long) ms.getValue())));
      }
    }
    return out;
  }

  @Test
  void aServedRequest_isTimedFromArrivalToResponse_withItsAttemptAndTokens() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.json(200, OK).delay(Duration.ofMillis(250)));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
    }
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=gpt-4o,outcome=succeeded,provider=openai,surface=chat-completions}", "1 in 250 ms",
        "aigateway.attempts{provider=openai,verdict=succeeded}", "1",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=input}", "12",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=output}", "5",
        "aigateway.cooldowns.active", "0"));
  }

  @Test
  void failover_countsEachAttemptByVerdict_andTheCooledKeyInTheGauge() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(429).header("Retry-After", "5").delay(Duration.ofMillis(40)));
    upstream.forKey(BACKUP).respond(FakeUpstream.json(200, OK).delay(Duration.ofMillis(60)));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
    }
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=gpt-4o,outcome=succeeded,provider=openai,surface=chat-completions}", "1 in 100 ms",
        "aigateway.attempts{provider=openai,verdict=next_key}", "1",
        "aigateway.attempts{provider=openai,verdict=succeeded}", "1",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=input}", "12",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=output}", "5",
        "aigateway.cooldowns.active", "1"));
    clock.advance(Duration.ofSeconds(5));
    assertThat(meters(registry)).containsEntry("aigateway.cooldowns.active", "0");
  }

  @Test
  void anAttemptAfterWhichTheGatewayWaitedOnce_countsAsRetrySameBackend() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(429).header("retry-after-ms", "1500"),
        FakeUpstream.json(200, OK));
    upstream.forKey(BACKUP).respond(FakeUpstream.reply(429).header("Retry-After", "30"));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(200);
    }
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=gpt-4o,outcome=succeeded,provider=openai,surface=chat-completions}", "1 in 1500 ms",
        "aigateway.attempts{provider=openai,verdict=retry_same_backend}", "1",
        "aigateway.attempts{provider=openai,verdict=next_key}", "1",
        "aigateway.attempts{provider=openai,verdict=succeeded}", "1",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=input}", "12",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=output}", "5",
        "aigateway.cooldowns.active", "1"));
  }

  @Test
  void oneListenerOnTwoGateways_sumsTheirCooldownsInOneGauge() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(401));
    upstream.forKey(BACKUP).respond(FakeUpstream.json(200, OK));
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    MicrometerGatewayListener metrics = MicrometerGatewayListener.create(own);
    for (int i = 0; i < 2; i++) {
      build(CredentialResolver.storeValues(), metrics);
      chat(GPT).close();
    }
    assertThat(meters(own)).containsEntry("aigateway.cooldowns.active", "2")
        .containsEntry("aigateway.attempts{provider=openai,verdict=next_key}", "2");
  }

  @Test
  void exhaustion_isTimedWithItsErrorCode_andTheLastProviderTried() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(503).delay(Duration.ofMillis(30)));
    assertThatThrownBy(() -> chat(GPT)).isInstanceOf(FailoverExhaustedException.class);
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=gpt-4o,outcome=all_providers_failed,provider=openai,surface=chat-completions}",
        "1 in 30 ms",
        "aigateway.attempts{provider=openai,verdict=next_backend}", "1",
        "aigateway.cooldowns.active", "0"));
  }

  @Test
  void aProvidersOwnRefusal_isProviderRejected() {
    upstream.forKey(PRIMARY).respond(FakeUpstream.json(400, "{\"error\":{\"message\":\"bad\"}}"));
    try (GatewayResponse r = chat(GPT)) {
      assertThat(r.status()).isEqualTo(400);
    }
    assertThat(meters(registry))
        .containsEntry("aigateway.requests{model=gpt-4o,outcome=provider_rejected,provider=openai,surface=chat-completions}",
            "1 in 0 ms")
        .containsEntry("aigateway.attempts{provider=openai,verdict=fail_fast}", "1");
  }

  @Test
  void aStream_isRecordedWhenItEnds_withTheUsageOfItsLastEvent() throws IOException {
    upstream.forKey(PRIMARY).respond(FakeUpstream.sse(200, "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n", "data: [DONE]\n\n")
        .delay(Duration.ofMillis(20)));
    try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))) {
      assertThat(registry.find(MicrometerGatewayListener.REQUESTS).timers()).as("still streaming").isEmpty();
      clock.advance(Duration.ofMillis(480));
      try (InputStream in = r.body()) {
        in.readAllBytes();
      }
    }
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=gpt-4o,outcome=succeeded,provider=openai,surface=chat-completions}", "1 in 500 ms",
        "aigateway.attempts{provider=openai,verdict=succeeded}", "1",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=input}", "7",
        "aigateway.tokens{model=gpt-4o,provider=openai,type=output}", "3",
        "aigateway.cooldowns.active", "0"));
  }

  @Test
  void rejections_countWithTheirErrorCodeAndSurface_andNoProviderOrModel() {
    assertThatThrownBy(() -> gateway.handle(GatewayRequest.of(Surface.EMBEDDINGS, "ng-not-a-token", GPT)))
        .isInstanceOf(GatewayException.class);
    String configuration = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"mini only\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o-mini\"]}}}")).id();
    String scoped = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("scoped")
        .configurationId(configuration).build()).token();
    GatewayException e = catchGateway(() -> gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, scoped, GPT)));
    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED);
    assertThat(meters(registry)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=none,outcome=invalid_access_key,provider=none,surface=embeddings}", "1 in 0 ms",
        "aigateway.requests{model=none,outcome=model_not_allowed,provider=none,surface=chat-completions}", "1 in 0 ms",
        "aigateway.cooldowns.active", "0"));
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void noCredentialAtExecution_isCountedOnce() {
    CredentialResolver none = new CredentialResolver() {
      @Override
      public @Nullable SecretValue providerKey(ProviderKey key) {
        return null;
      }

      @Override
      public @Nullable SecretValue managed(String providerId) {
        return null;
      }
    };
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    build(none, MicrometerGatewayListener.create(own));
    assertThat(catchGateway(() -> chat(GPT)).code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(meters(own)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "aigateway.requests{model=none,outcome=no_credentials,provider=none,surface=chat-completions}", "1 in 0 ms",
        "aigateway.cooldowns.active", "0"));
  }

  @Test
  void modelsTheCatalogDoesNotList_areCapped_whileCataloguedModelsKeepTheirName() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    build(CredentialResolver.storeValues(), MicrometerGatewayListener.builder(own).uncataloguedModels(2).build());
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    for (int i = 0; i < 30; i++) {
      chat("{\"model\":\"openai:Client-Chosen-" + i + "\"}").close();
    }
    chat("{\"model\":\"openai:GPT-4O-MINI\"}").close();
    List<String> models = new ArrayList<>();
    for (Timer t : own.find(MicrometerGatewayListener.REQUESTS).timers()) {
      models.add(t.getId().getTag("model") + "=" + t.count());
    }
    assertThat(models).containsExactlyInAnyOrder("client-chosen-0=1", "client-chosen-1=1", "other=28", "gpt-4o-mini=1");
    assertThat(own.find(MicrometerGatewayListener.TOKENS).counters()).extracting(c -> c.getId().getTag("model"))
        .containsOnly("client-chosen-0", "client-chosen-1", "other", "gpt-4o-mini");
  }

  @Test
  void aListenerNeverAttached_stillRecords_andItsGaugeReadsZero() {
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    MicrometerGatewayListener metrics = MicrometerGatewayListener.create(own);
    Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream).listener(metrics).build();
    g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k").value(PRIMARY).build());
    upstream.forKey(PRIMARY).respond(FakeUpstream.json(200, OK));
    String t = g.admin().accessKeys().create(AccessKeyChange.builder().name("a").build()).token();
    g.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, t, GPT)).close();
    assertThat(own.get(MicrometerGatewayListener.REQUESTS).tag("outcome", "succeeded").timer().count()).isEqualTo(1);
    assertThat(own.get(MicrometerGatewayListener.COOLDOWNS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void theBuilder_refusesANegativeLimit_namingIt() {
    assertThatThrownBy(() -> MicrometerGatewayListener.builder(registry).uncataloguedModels(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uncataloguedModels must be between 0 and 10000 but was -3");
    assertThatThrownBy(() -> MicrometerGatewayListener.create(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
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
