package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.catalog.ModelPrice;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5 usage: every finished request becomes one usage event per attempt (the last one final), priced
 * as credits price it, filtered, paged, kept for the retention and summed into the daily overview.
 */
final class UsageTest {
  private static final String OK = "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String CLAUDE = "{\"model\":\"claude-sonnet-4-6\",\"messages\":[]}";

  private final FakeClock clock = FakeClock.at(Instant.parse("2026-11-20T08:00:00Z"));
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private Gateway gateway;
  private String token;
  private String keyA;
  private String primaryId;
  private String backupId;

  @BeforeEach
  void setUp() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .credentialResolver(CredentialResolver.storeValues().withManaged("anthropic",
            SecretValue.of("managed-anthropic-secret-0123")))
        .build();
    primaryId = key("primary", "sk-oa-primary-000000");
    backupId = key("backup", "sk-oa-backup-0000000");
    var a = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("a").build());
    keyA = a.key().id();
    token = a.token();
  }

  @AfterEach
  void tearDown() {
    gateway.close();
  }

  private String key(String name, String value) {
    return gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name(name)
        .value(value).build()).id();
  }

  private void chat(String accessToken, String body) {
    try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, accessToken, body))) {
      try (InputStream in = r.body()) {
        in.readAllBytes();
      }
    } catch (GatewayException e) {
      // the error is the request's outcome; its attempts are recorded all the same
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<UsageEvent> events(boolean includeRetries) {
    return gateway.usageLog().list(new UsageLog.Query(null, null, null, includeRetries, null, 100)).events();
  }

  private static long fee(long tokens) {
    return Gateway.AccountSettings.DEFAULT_PROCESSING_FEE * tokens;
  }

  @Test
  void aFailover_isTwoEvents_andWithoutRetriesOnlyTheFinalOne() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429).header("Retry-After", "5"));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
    chat(token, GPT);
    List<UsageEvent> all = events(true);
    assertThat(all).hasSize(2);
    UsageEvent last = all.get(0);
    UsageEvent first = all.get(1);
    assertThat(first.requestId()).isEqualTo(last.requestId()).startsWith("rq_");
    assertThat(first.attemptNumber()).isEqualTo(1);
    assertThat(first.isFinalAttempt()).isFalse();
    assertThat(first.statusCode()).isEqualTo(429);
    assertThat(first.isError()).isTrue();
    assertThat(first.providerKeyId()).isEqualTo(primaryId);
    assertThat(first.costMicroCents()).isZero();
    assertThat(last.attemptNumber()).isEqualTo(2);
    assertThat(last.isFinalAttempt()).isTrue();
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(last.isError()).isFalse();
    assertThat(last.providerKeyId()).isEqualTo(backupId);
    assertThat(last.keySource()).isEqualTo(KeySource.USER);
    assertThat(last.accessKeyId()).isEqualTo(keyA);
    assertThat(last.provider()).isEqualTo("openai");
    assertThat(last.model()).isEqualTo("gpt-4o");
    assertThat(last.inputTokens()).isEqualTo(12);
    assertThat(last.outputTokens()).isEqualTo(5);
    assertThat(last.costMicroCents()).as("a user key pays the processing fee only").isEqualTo(fee(17));
    assertThat(last.timestamp()).isEqualTo(clock.now());
    assertThat(events(false)).containsExactly(last);
  }

  @Test
  void aManagedCredential_costsTheFeePlusTheCatalogPrice() {
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    chat(token, CLAUDE);
    UsageEvent e = events(true).get(0);
    assertThat(e.keySource()).isEqualTo(KeySource.MANAGED);
    assertThat(e.providerKeyId()).isNull();
    ModelPrice price = gateway.catalog().provider("anthropic").price("claude-sonnet-4-6");
    assertThat(price).isNotNull();
    assertThat(e.costMicroCents()).isEqualTo(fee(17) + price.costMicroCents(12, 5)).isGreaterThan(fee(17));
    assertThat(e.totalCost()).isEqualTo(UsageEvent.dollars(e.costMicroCents())).matches("0\\.\\d{5}");
  }

  @Test
  void aRequestThatFailsEverywhere_endsInAFinalErrorEvent() {
    upstream.otherwise().always(FakeUpstream.reply(503));
    chat(token, GPT);
    List<UsageEvent> all = events(true);
    assertThat(all).isNotEmpty().allMatch(UsageEvent::isError);
    assertThat(events(false)).singleElement().satisfies(e -> {
      assertThat(e.isFinalAttempt()).isTrue();
      assertThat(e.statusCode()).isEqualTo(503);
    });
    assertThat(gateway.usageLog().overview(null, null, UsageLog.GroupBy.PROVIDER))
        .containsExactly(new UsageLog.Bucket(Instant.parse("2026-11-20T00:00:00Z"), "openai", 0, 1, 1));
  }

  @Test
  void usageEvents_carryTheProvidersStopReason_cacheReads_andReasoningTokens() {
    upstream.otherwise().always(FakeUpstream.json(200, "{\"choices\":[{\"index\":0,\"finish_reason\":\"length\"}],"
        + "\"usage\":{\"prompt_tokens\":40,\"completion_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":32},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":6}}}"));
    chat(token, "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(events(true)).singleElement().satisfies(e -> {
      assertThat(e.stopReason()).isEqualTo("length");
      assertThat(e.inputTokens()).isEqualTo(40);
      assertThat(e.outputTokens()).isEqualTo(9);
      assertThat(e.cacheReadTokens()).isEqualTo(32);
      assertThat(e.reasoningTokens()).isEqualTo(6);
    });
  }

  @Test
  void aStreamsStopReason_comesFromItsLastChunk() throws Exception {
    upstream.otherwise().always(FakeUpstream.sse(200, "{\"choices\":[{\"delta\":{},\"finish_reason\":null}]}",
        "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}", "[DONE]"));
    try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))) {
      try (InputStream in = r.body()) {
        in.readAllBytes();
      }
    }
    assertThat(events(true)).singleElement().satisfies(e -> {
      assertThat(e.stopReason()).isEqualTo("stop");
      assertThat(e.cacheReadTokens()).isZero();
    });
  }

  @Test
  void aStream_isRecordedWhenItEnds_withItsUsage() throws Exception {
    upstream.otherwise().always(FakeUpstream.sse(200, "{\"choices\":[]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}", "[DONE]"));
    try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"))) {
      assertThat(events(true)).as("not before the stream has ended").isEmpty();
      try (InputStream in = r.body()) {
        in.readAllBytes();
      }
    }
    assertThat(events(true)).singleElement().satisfies(e -> {
      assertThat(e.isStreaming()).isTrue();
      assertThat(e.inputTokens()).isEqualTo(3);
      assertThat(e.outputTokens()).isEqualTo(2);
      assertThat(e.costMicroCents()).isEqualTo(fee(5));
    });
  }

  @Test
  void filtersAndOverview_byAccessKeyAndByProvider_overDays() {
    upstream.forKey("sk-oa-primary").always(FakeUpstream.json(200, OK));
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    var b = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("b").build());
    chat(token, GPT);
    chat(token, CLAUDE);
    clock.advance(Duration.ofDays(1));
    chat(b.token(), GPT);
    assertThat(gateway.usageLog().list(new UsageLog.Query(null, null, b.key().id(), true, null, 100)).events())
        .singleElement().satisfies(e -> assertThat(e.timestamp()).isEqualTo(clock.now()));
    Instant today = clock.now().truncatedTo(ChronoUnit.DAYS);
    assertThat(gateway.usageLog().list(new UsageLog.Query(today, null, null, true, null, 100)).events()).hasSize(1);
    assertThat(gateway.usageLog().list(new UsageLog.Query(null, today, null, true, null, 100)).events()).hasSize(2);
    Instant yesterday = today.minus(Duration.ofDays(1));
    long claude = fee(17) + gateway.catalog().provider("anthropic").price("claude-sonnet-4-6").costMicroCents(12, 5);
    assertThat(gateway.usageLog().overview(null, null, UsageLog.GroupBy.PROVIDER)).containsExactly(
        new UsageLog.Bucket(yesterday, "anthropic", claude, 1, 0),
        new UsageLog.Bucket(yesterday, "openai", fee(17), 1, 0),
        new UsageLog.Bucket(today, "openai", fee(17), 1, 0));
    assertThat(gateway.usageLog().overview(null, null, UsageLog.GroupBy.ACCESS_KEY)).containsExactly(
        new UsageLog.Bucket(yesterday, keyA, claude + fee(17), 2, 0),
        new UsageLog.Bucket(today, b.key().id(), fee(17), 1, 0));
  }

  @Test
  void eventsPastTheRetention_areGone() {
    Gateway shortLived = Gateway.builder().keyStore(gateway.keyStore()).clock(clock).upstream(upstream)
        .usageLog(UsageLog.inMemory(clock, Duration.ofDays(2), 1000)).build();
    try {
      upstream.otherwise().always(FakeUpstream.json(200, OK));
      upstream.forKey("sk-oa-primary").always(FakeUpstream.json(200, OK));
      try (GatewayResponse r = shortLived.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT))) {
        assertThat(r.status()).isEqualTo(200);
      }
      assertThat(shortLived.usageLog().list(UsageLog.Query.all()).events()).hasSize(1);
      clock.advance(Duration.ofDays(2).minusSeconds(1));
      assertThat(shortLived.usageLog().list(UsageLog.Query.all()).events()).hasSize(1);
      clock.advance(Duration.ofSeconds(2));
      assertThat(shortLived.usageLog().list(UsageLog.Query.all()).events()).isEmpty();
      assertThat(shortLived.usageLog().overview(null, null, UsageLog.GroupBy.PROVIDER)).isEmpty();
    } finally {
      shortLived.close();
    }
  }

  @Test
  void aUsageLogThatThrows_neverBreaksARequest() {
    Gateway broken = Gateway.builder().keyStore(gateway.keyStore()).clock(clock).upstream(upstream)
        .usageLog(new UsageLog() {
          @Override
          public void record(List<UsageEvent> events) {
            throw new IllegalStateException("disk full");
          }

          @Override
          public EventPage list(Query query) {
            return new EventPage(List.of(), null);
          }

          @Override
          public List<Bucket> overview(Instant start, Instant end, GroupBy groupBy) {
            return List.of();
          }
        }).build();
    try {
      upstream.otherwise().always(FakeUpstream.json(200, OK));
      upstream.forKey("sk-oa-primary").always(FakeUpstream.json(200, OK));
      try (GatewayResponse r = broken.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT))) {
        assertThat(r.status()).isEqualTo(200);
      }
    } finally {
      broken.close();
    }
  }
}
