package dev.aigateway.functional;

import dev.aigateway.internal.admin.AdminJson;

import dev.aigateway.config.ConfigurationJson;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.spi.CredentialResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

final class AuthenticationTest {
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  /** Counts every access key lookup that reaches the store. */
  static final class CountingStore extends ForwardingKeyStore {
    final AtomicInteger lookups = new AtomicInteger();

    CountingStore() {
      super(new InMemoryKeyStore());
    }

    @Override
    public @Nullable AccessKey accessKey(String id) {
      lookups.incrementAndGet();
      return super.accessKey(id);
    }
  }

  @Test
  void malformedOrBitFlippedTokens_neverReachTheStore_andAllGetTheSame401() {
    CountingStore store = new CountingStore();
    Fixture f = new Fixture(store, CredentialResolver.storeValues());
    f.providerKey("openai", "primary");
    String token = f.accessKey(null);
    store.lookups.set(0);
    Random random = new Random(42);
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String bad = switch (i % 4) {
        case 0 -> { // flip one bit of one character
          char[] c = token.toCharArray();
          int pos = random.nextInt(c.length);
          c[pos] = (char) (c[pos] ^ (1 << random.nextInt(7)));
          yield new String(c);
        }
        case 1 -> token.substring(0, random.nextInt(token.length()));
        case 2 -> "sk-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
        default -> "ng-" + "x".repeat(random.nextInt(80));
      };
      if (bad.equals(token)) {
        continue;
      }
      GatewayException e = catchGateway(() -> f.chat(bad, BODY));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
      assertThat(e.status()).isEqualTo(401);
      messages.add(e.getMessage());
    }
    assertThat(store.lookups.get()).isZero();
    assertThat(messages).hasSizeGreaterThan(9_900).allMatch(m -> m.equals("Invalid access key."));
  }

  @Test
  void missingKey_isRejectedAsInvalid() {
    Fixture f = new Fixture();
    GatewayException e = catchGateway(() -> f.gateway.plan(GatewayRequest.builder()
        .surface(Surface.CHAT_COMPLETIONS).body(BODY).build()));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
  }

  @Test
  void keyIsAcceptedFromBearerOrXApiKey() {
    Fixture f = new Fixture();
    f.providerKey("openai", "primary");
    String token = f.accessKey(null);
    assertThat(f.gateway.plan(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("x-api-key", token).body(BODY).build()).candidates()).hasSize(1);
    assertThat(f.gateway.plan(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("authorization", "bearer " + token).body(BODY).build()).candidates()).hasSize(1);
  }

  @Test
  void unknownId_wrongSecret_andDeletedKey_lookTheSame() {
    Fixture f = new Fixture();
    f.providerKey("openai", "primary");
    AccessTokens tokens = new AccessTokens("ng-", "aigk_");
    CreatedAccessKey victim = f.admin.accessKeys().create(AccessKeyChange.builder().name("victim").build());
    String valid = victim.token();
    // a well-formed token for an id the store does not have
    String unknownId = tokens.newToken("aigk_" + "0".repeat(22));
    // the right id with another secret (checksum recomputed so it is well formed)
    String wrongSecret = tokens.newToken(victim.key().id());
    assertThat(wrongSecret).isNotEqualTo(valid);

    GatewayException a = catchGateway(() -> f.chat(unknownId, BODY));
    GatewayException b = catchGateway(() -> f.chat(wrongSecret, BODY));
    f.chat(valid, BODY);
    f.admin.accessKeys().delete(victim.key().id());
    GatewayException c = catchGateway(() -> f.chat(valid, BODY));

    for (GatewayException e : List.of(a, b, c)) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
      assertThat(e.status()).isEqualTo(401);
      assertThat(e.getMessage()).isEqualTo(a.getMessage());
      assertThat(e.details()).containsOnlyKeys("requestId");
    }
  }

  @Test
  void revocationIsImmediate_withNoTimeAdvanced() {
    Fixture f = new Fixture();
    f.providerKey("openai", "primary");
    CreatedAccessKey k = f.admin.accessKeys().create(AccessKeyChange.builder().name("web").build());
    f.chat(k.token(), BODY); // now cached
    f.chat(k.token(), BODY);
    f.admin.accessKeys().delete(k.key().id());
    assertThatThrownBy(() -> f.chat(k.token(), BODY)).isInstanceOf(GatewayException.class)
        .extracting(e -> ((GatewayException) e).code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
  }

  @Test
  void configurationLinkChange_takesEffectOnTheNextRequest() {
    Fixture f = new Fixture();
    f.providerKey("openai", "primary");
    f.providerKey("anthropic", "primary");
    CreatedAccessKey k = f.admin.accessKeys().create(AccessKeyChange.builder().name("web").build());
    assertThat(f.chatModel(k.token(), "claude-sonnet-4-6").candidates()).hasSize(1);
    String openaiOnly = f.admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"openai only\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}")).id();
    f.admin.accessKeys().update(k.key().id(), AccessKeyChange.builder().configurationId(openaiOnly).build());
    assertThat(catchGateway(() -> f.chatModel(k.token(), "claude-sonnet-4-6")).code())
        .isEqualTo(ErrorCode.PROVIDER_NOT_ALLOWED);
    f.admin.accessKeys().update(k.key().id(), AdminJson.accessKeyChange("{\"accessKeyConfigurationId\":null}"));
    assertThat(f.chatModel(k.token(), "claude-sonnet-4-6").candidates()).hasSize(1);
  }

  @Test
  void keyCreatedAfterAFailedLookup_worksAtOnce() {
    CountingStore store = new CountingStore();
    Fixture f = new Fixture(store, CredentialResolver.storeValues());
    f.providerKey("openai", "primary");
    AccessTokens tokens = new AccessTokens("ng-", "aigk_");
    // fail a lookup first (well-formed, unknown)
    catchGateway(() -> f.chat(tokens.newToken("aigk_" + "1".repeat(22)), BODY));
    assertThat(store.lookups.get()).isEqualTo(1);
    String token = f.accessKey(null);
    assertThat(f.chat(token, BODY).accessKeyId()).isNotNull();
  }

  @Test
  void cachedKey_isNotLookedUpAgain() {
    CountingStore store = new CountingStore();
    Fixture f = new Fixture(store, CredentialResolver.storeValues());
    f.providerKey("openai", "primary");
    String token = f.accessKey(null);
    store.lookups.set(0);
    for (int i = 0; i < 100; i++) {
      f.chat(token, BODY);
    }
    assertThat(store.lookups.get()).isEqualTo(1);
  }

  /** Regression: with Authorization and x-api-key carrying different tokens, the first silently won. */
  @Test
  void twoDifferentCredentials_areRefused_asAnInvalidAccessKey() {
    Fixture f = new Fixture();
    f.providerKey("openai", "primary");
    String a = f.accessKey(null);
    String b = f.accessKey(null);
    List<GatewayRequest.Builder> ambiguous = List.of(
        GatewayRequest.builder().header("Authorization", "Bearer " + a).header("x-api-key", b),
        GatewayRequest.builder().header("x-api-key", b).header("Authorization", "Bearer " + a),
        GatewayRequest.builder().header("Authorization", "Bearer " + a).header("Authorization", "Bearer " + b),
        GatewayRequest.builder().header("Authorization", "Bearer " + a).header("x-api-key", "ng-garbage"));
    for (GatewayRequest.Builder r : ambiguous) {
      GatewayException e = catchGateway(() -> f.gateway.plan(r.surface(Surface.CHAT_COMPLETIONS).body(BODY).build()));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
      assertThat(e.getMessage()).isEqualTo("Invalid access key.");
    }
    // the same token twice is one credential
    assertThat(f.gateway.plan(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS).header("Authorization",
        "Bearer " + a).header("x-api-key", a).body(BODY).build()).accessKeyId()).startsWith("aigk_");
  }

  /**
   * Eight threads authenticate while one deletes the key. The delete waits until every thread has
   * succeeded (the key was cached and in use), and every thread keeps going until it has tried again
   * after the delete returned: so the race happens in every round, and no try after the delete succeeds.
   */
  @Test
  void concurrentAuthenticationAndDelete_noSuccessAfterDeleteReturns() throws Exception {
    int threads = 8;
    for (int round = 0; round < 20; round++) {
      Fixture f = new Fixture();
      f.providerKey("openai", "primary");
      CreatedAccessKey k = f.admin.accessKeys().create(AccessKeyChange.builder().name("racy").build());
      AtomicBoolean deleted = new AtomicBoolean();
      AtomicInteger successesBefore = new AtomicInteger();
      AtomicInteger lateSuccesses = new AtomicInteger();
      AtomicInteger triesAfter = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      CountDownLatch everyThreadSucceeded = new CountDownLatch(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            start.await();
            boolean counted = false;
            int afterDelete = 0;
            // bounded: stops after 200 tries that began once the delete had returned, or 200,000 in all
            for (int i = 0; i < 200_000 && afterDelete < 200; i++) {
              boolean deletedBefore = deleted.get();
              if (deletedBefore) {
                afterDelete++;
                triesAfter.incrementAndGet();
              }
              try {
                f.gateway.authenticate(k.token());
                if (deletedBefore) {
                  lateSuccesses.incrementAndGet();
                } else {
                  successesBefore.incrementAndGet();
                  if (!counted) {
                    counted = true;
                    everyThreadSucceeded.countDown();
                  }
                }
              } catch (GatewayException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACCESS_KEY);
              }
            }
            return null;
          }));
        }
        start.countDown();
        assertThat(everyThreadSucceeded.await(30, TimeUnit.SECONDS)).as("every thread authenticated first").isTrue();
        f.admin.accessKeys().delete(k.key().id());
        deleted.set(true);
        for (Future<?> fu : futures) {
          fu.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(successesBefore.get()).as("successes before the delete (round %d)", round)
          .isGreaterThanOrEqualTo(threads);
      assertThat(triesAfter.get()).as("tries after the delete returned (round %d)", round)
          .isEqualTo(threads * 200);
      assertThat(lateSuccesses.get()).as("successes after delete returned (round %d)", round).isZero();
      assertThatThrownBy(() -> f.gateway.authenticate(k.token())).isInstanceOf(GatewayException.class);
    }
  }
}
