package dev.aigateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Surface;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.KeyStore.AdminKeyDeletion;
import dev.aigateway.spi.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link KeyStore} implementations: extend it in your store's tests, answer a
 * new, empty store from {@link #newStore()}, and JUnit runs every test below against it. A durable store
 * extends {@link DurableKeyStoreContract} instead, which adds the tests that what was stored survives a
 * restart.
 *
 * <pre>{@code
 * final class PostgresKeyStoreContractTest extends DurableKeyStoreContract {
 *   @Override
 *   protected KeyStore newStore() {
 *     database.truncateAll();                        // each test starts from an empty store
 *     return PostgresKeyStore.create(database.dataSource());
 *   }
 *
 *   @Override
 *   protected KeyStore reopen(KeyStore store) throws Exception {
 *     ((PostgresKeyStore) store).close();             // release what the old instance holds
 *     return PostgresKeyStore.create(database.dataSource());
 *   }
 * }
 * }</pre>
 *
 * <p>The suite covers every resource type (access keys, configurations, provider keys, custom providers,
 * virtual models, admin API keys) and the gateway configuration: a value read back is equal, field by field, to the value stored (provider key secret
 * values included); a put with a known id replaces; a {@code replace*} replaces only a stored resource (it
 * answers false and inserts nothing for a missing or deleted id); a delete answers whether the resource existed;
 * {@code deleteAdminKeyUnlessLast} never deletes the last admin API key, concurrent deleters included; lists
 * keep creation order; access keys and admin API keys page newest first; listeners hear of every put and delete, with its
 * {@link ResourceType} and id, before the call returns; {@code touchAccessKey} and
 * {@code touchAdminKey} change nothing but {@code lastUsed}; and concurrent puts from several threads lose nothing. A store that implements
 * {@link AutoCloseable} is closed after each test.
 *
 * <p>Thread-safety: JUnit creates one instance per test and calls it from one thread; the concurrency test
 * drives the store from threads of its own.
 */
public abstract class KeyStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  static final Kind<AccessKey> ACCESS_KEYS = new Kind<>("access key", ResourceType.ACCESS_KEY, "aigk_",
      KeyStoreContract::accessKey, AccessKey::id, KeyStore::putAccessKey, KeyStore::replaceAccessKey, KeyStore::accessKey,
      KeyStore::deleteAccessKey, s -> s.accessKeys(null, Integer.MAX_VALUE),
      k -> Arrays.asList(k.id(), k.name(), k.description(), k.metadata(), k.configurationId(), k.keyRedacted(),
          HexFormat.of().formatHex(k.secretDigest()), k.createdAt(), k.updatedAt(), k.lastUsed()));
  static final Kind<AccessKeyConfiguration> CONFIGURATIONS = new Kind<>("configuration",
      ResourceType.CONFIGURATION, "aigac_", KeyStoreContract::configuration, c -> Objects.requireNonNull(c.id(), "id"),
      KeyStore::putConfiguration, KeyStore::replaceConfiguration, KeyStore::configuration, KeyStore::deleteConfiguration,
      KeyStore::configurations, List::of);
  static final Kind<ProviderKey> PROVIDER_KEYS = new Kind<>("provider key", ResourceType.PROVIDER_KEY,
      "aigpk_", KeyStoreContract::providerKey, ProviderKey::id, KeyStore::putProviderKey, KeyStore::replaceProviderKey,
      KeyStore::providerKey,
      KeyStore::deleteProviderKey, KeyStore::providerKeys,
      k -> Arrays.asList(k.id(), k.providerId(), k.name(), k.description(), k.metadata(),
          k.value() == null ? null : k.value().reveal(), k.keyRedacted(), k.createdAt(), k.updatedAt(), k.lastUsed()));
  static final Kind<CustomProvider> PROVIDERS = new Kind<>("custom provider", ResourceType.PROVIDER,
      "provider-", KeyStoreContract::provider, CustomProvider::providerId, KeyStore::putProvider, KeyStore::replaceProvider,
      KeyStore::provider,
      KeyStore::deleteProvider, KeyStore::providers,
      p -> Arrays.asList(p.id(), p.providerId(), p.name(), p.baseUrl(), p.metadata(), p.supportedApiSurfaces(),
          p.models(), p.authHeader(), p.authValuePrefix(), p.createdAt(), p.updatedAt()));
  static final Kind<VirtualModel> VIRTUAL_MODELS = new Kind<>("virtual model", ResourceType.VIRTUAL_MODEL,
      "aigvm_", KeyStoreContract::virtualModel, VirtualModel::id, KeyStore::putVirtualModel, KeyStore::replaceVirtualModel,
      KeyStore::virtualModel,
      KeyStore::deleteVirtualModel, KeyStore::virtualModels,
      v -> Arrays.asList(v.id(), v.name(), v.description(), v.targets(), v.createdAt(), v.updatedAt()));
  static final Kind<AdminKey> ADMIN_KEYS = new Kind<>("admin API key", ResourceType.ADMIN_KEY, "aigak_",
      KeyStoreContract::adminKey, AdminKey::id, KeyStore::putAdminKey, KeyStore::replaceAdminKey, KeyStore::adminKey,
      KeyStore::deleteAdminKey, s -> s.adminKeys(null, Integer.MAX_VALUE),
      k -> Arrays.asList(k.id(), k.name(), k.description(), k.metadata(), k.keyRedacted(),
          HexFormat.of().formatHex(k.tokenDigest()), k.createdAt(), k.updatedAt(), k.lastUsed()));
  static final List<Kind<?>> KINDS = List.of(ACCESS_KEYS, CONFIGURATIONS, PROVIDER_KEYS, PROVIDERS,
      VIRTUAL_MODELS, ADMIN_KEYS);

  private @Nullable KeyStore store;

  /** Subclasses are constructed by JUnit. */
  protected KeyStoreContract() {}

  /** A new, empty store; called before each test. */
  protected abstract KeyStore newStore() throws Exception;

  /** The store under test, for tests that subclasses add. */
  protected final KeyStore store() {
    return Objects.requireNonNull(store, "store: newStore() has not run");
  }

  /** Opens the store under test with {@link #newStore()}; JUnit calls this before each test. */
  @BeforeEach
  public final void openStore() throws Exception {
    store = Objects.requireNonNull(newStore(), "newStore() answered null");
  }

  /** Closes the store under test (the reopened one, after a reopen) when it is {@link AutoCloseable}. */
  @AfterEach
  public final void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Makes {@code again} the store under test (closed after the test), as after a restart. */
  final KeyStore replaceStore(KeyStore again) {
    store = Objects.requireNonNull(again, "reopen(...) answered null");
    return again;
  }

  // ------------------------------------------------------------------ the tests

  @Test
  public void aNewStore_holdsNothing() {
    for (Kind<?> kind : KINDS) {
      assertThat(kind.ids(store())).as(kind.name() + "s").isEmpty();
      assertThat(kind.get(store(), 1)).as(kind.name() + " " + kind.id(1)).isNull();
    }
  }

  @Test
  public void eachResource_readsBackEqualToWhatWasPut() {
    KINDS.forEach(kind -> kind.readsBackEqual(store()));
  }

  @Test
  public void providerKeyValues_surviveTheRoundTrip_andAKeyWithoutAValueStaysWithout() {
    ProviderKey withValue = providerKey(1, "with");
    ProviderKey without = providerKey(2, "without").toBuilder().value(null).build();
    store().putProviderKey(withValue);
    store().putProviderKey(without);
    ProviderKey read = store().providerKey(withValue.id());
    assertThat(read).isNotNull();
    assertThat(Objects.requireNonNull(read.value()).reveal()).isEqualTo("sk-contract-secret-with-0001");
    assertThat(Objects.requireNonNull(store().providerKey(without.id())).value()).isNull();
  }

  @Test
  public void aPutWithAKnownId_replacesTheValue_andKeepsItsPlace() {
    KINDS.forEach(kind -> kind.replaces(store()));
  }

  @Test
  public void aReplaceOfAMissingId_answersFalse_andInsertsNothing() {
    KINDS.forEach(kind -> kind.replacesNothingMissing(store()));
  }

  @Test
  public void aReplaceOfAStoredId_replacesIt_inItsPlace_andTellsTheListeners() {
    List<String> heard = new CopyOnWriteArrayList<>();
    store().addListener((type, id) -> heard.add(type + " " + id));
    KINDS.forEach(kind -> kind.replacesAStoredOne(store(), heard));
  }

  @Test
  public void deleteAdminKeyUnlessLast_refusesTheLastKey_andDeletesOtherwise() {
    List<String> heard = new CopyOnWriteArrayList<>();
    store().addListener((type, id) -> heard.add(type + " " + id));
    ADMIN_KEYS.put(store(), 1, "first");
    AdminKey second = ADMIN_KEYS.put(store(), 2, "second");
    assertThat(store().deleteAdminKeyUnlessLast(admin(9))).as("an unknown id").isEqualTo(AdminKeyDeletion.NOT_FOUND);
    heard.clear();
    assertThat(store().deleteAdminKeyUnlessLast(admin(1))).as("one of two").isEqualTo(AdminKeyDeletion.DELETED);
    assertThat(store().adminKey(admin(1))).isNull();
    assertThat(heard).as("after deleting an admin API key").contains(ResourceType.ADMIN_KEY + " " + admin(1));
    assertThat(store().deleteAdminKeyUnlessLast(admin(2))).as("the last one").isEqualTo(AdminKeyDeletion.LAST);
    ADMIN_KEYS.assertStored(store(), second);
    assertThat(store().deleteAdminKeyUnlessLast(admin(1))).as("a deleted id").isEqualTo(AdminKeyDeletion.NOT_FOUND);
    assertThat(adminKeyIds(null, 10)).containsExactly(admin(2));
    ADMIN_KEYS.put(store(), 3, "third");
    assertThat(store().deleteAdminKeyUnlessLast(admin(2))).as("one of two again").isEqualTo(AdminKeyDeletion.DELETED);
    assertThat(adminKeyIds(null, 10)).containsExactly(admin(3));
  }

  /** Two threads deleting the last two admin API keys at once, many times: one of them is always refused. */
  @Test
  public void concurrentDeletersOfTheLastTwoAdminKeys_neverLeaveNone() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 25; round++) {
        String a = admin(2 * round + 1);
        String b = admin(2 * round + 2);
        ADMIN_KEYS.put(store(), 2 * round + 1, "round");
        ADMIN_KEYS.put(store(), 2 * round + 2, "round");
        CountDownLatch go = new CountDownLatch(1);
        Future<AdminKeyDeletion> first = pool.submit(() -> {
          go.await();
          return store().deleteAdminKeyUnlessLast(a);
        });
        Future<AdminKeyDeletion> second = pool.submit(() -> {
          go.await();
          return store().deleteAdminKeyUnlessLast(b);
        });
        go.countDown();
        List<AdminKeyDeletion> results = List.of(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS));
        assertThat(results).as("round " + round).containsExactlyInAnyOrder(AdminKeyDeletion.DELETED,
            AdminKeyDeletion.LAST);
        List<String> left = adminKeyIds(null, 10);
        assertThat(left).as("round " + round).hasSize(1);
        store().deleteAdminKey(left.get(0)); // the next round starts from none again
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void accessKeys_pageNewestFirst_strictlyBeforeTheGivenId() {
    for (int n : new int[] {3, 1, 5, 2, 4}) {
      ACCESS_KEYS.put(store(), n, "paged");
    }
    assertThat(accessKeyIds(null, 10)).containsExactly(id(5), id(4), id(3), id(2), id(1));
    assertThat(accessKeyIds(null, 2)).containsExactly(id(5), id(4));
    assertThat(accessKeyIds(id(4), 2)).containsExactly(id(3), id(2));
    assertThat(accessKeyIds(id(2), 10)).containsExactly(id(1));
    assertThat(accessKeyIds(id(1), 10)).isEmpty();
    store().deleteAccessKey(id(3));
    assertThat(accessKeyIds(id(3), 10)).as("paging from a deleted key").containsExactly(id(2), id(1));
    assertThat(accessKeyIds(id(9), 1)).as("paging from an id after every key").containsExactly(id(5));
  }

  @Test
  public void adminKeys_pageNewestFirst_strictlyBeforeTheGivenId() {
    for (int n : new int[] {3, 1, 5, 2, 4}) {
      ADMIN_KEYS.put(store(), n, "paged");
    }
    assertThat(adminKeyIds(null, 10)).containsExactly(admin(5), admin(4), admin(3), admin(2), admin(1));
    assertThat(adminKeyIds(null, 2)).containsExactly(admin(5), admin(4));
    assertThat(adminKeyIds(admin(4), 2)).containsExactly(admin(3), admin(2));
    assertThat(adminKeyIds(admin(1), 10)).isEmpty();
    store().deleteAdminKey(admin(3));
    assertThat(adminKeyIds(admin(3), 10)).as("paging from a deleted key").containsExactly(admin(2), admin(1));
    assertThat(adminKeyIds(admin(9), 1)).as("paging from an id after every key").containsExactly(admin(5));
    assertThat(accessKeyIds(null, 10)).as("admin API keys are not access keys").isEmpty();
  }

  @Test
  public void touchingAnAdminKey_changesAtMostItsLastUsed_andAMissingOneCreatesNothing() {
    AdminKey key = ADMIN_KEYS.put(store(), 1, "touched");
    Instant when = T0.plusSeconds(3600);
    store().touchAdminKey(key.id(), when);
    AdminKey read = Objects.requireNonNull(store().adminKey(key.id()), "a touched admin API key");
    assertThat(read.lastUsed()).as("lastUsed: unchanged, or the time given").isIn(key.lastUsed(), when);
    ADMIN_KEYS.assertEqual(read.toBuilder().lastUsed(key.lastUsed()).build(), key);
    store().touchAdminKey(admin(2), when);
    assertThat(store().adminKey(admin(2))).isNull();
    assertThat(adminKeyIds(null, 10)).containsExactly(admin(1));
  }

  final List<String> adminKeyIds(@Nullable String beforeId, int limit) {
    List<String> ids = new ArrayList<>();
    store().adminKeys(beforeId, limit).forEach(k -> ids.add(k.id()));
    return ids;
  }

  static String admin(int n) {
    return ADMIN_KEYS.id(n);
  }

  final List<String> accessKeyIds(@Nullable String beforeId, int limit) {
    List<String> ids = new ArrayList<>();
    store().accessKeys(beforeId, limit).forEach(k -> ids.add(k.id()));
    return ids;
  }

  static String id(int n) {
    return ACCESS_KEYS.id(n);
  }

  @Test
  public void delete_removesTheResource_andAnswersTrue() {
    KINDS.forEach(kind -> kind.deletes(store()));
  }

  @Test
  public void listeners_areToldOfEveryPutAndDelete_withTheTypeAndId() {
    List<String> heard = new CopyOnWriteArrayList<>();
    store().addListener((type, id) -> heard.add(type + " " + id));
    KINDS.forEach(kind -> kind.toldOfChanges(store(), heard));
  }

  @Test
  public void aNewStore_holdsNoGatewayConfig() {
    assertThat(store().gatewayConfig()).isNull();
  }

  /**
   * A store that keeps the gateway configuration ({@code putGatewayConfig} answers true) keeps the last document,
   * reports it as {@link ResourceType#GATEWAY_CONFIG} before the call returns, and every gateway on the store
   * applies it; a store that answers false keeps nothing (the host saves it).
   */
  @Test
  public void aGatewayConfig_isKept_reported_andAppliedByEveryGatewayOnTheStore() {
    List<String> heard = new CopyOnWriteArrayList<>();
    store().addListener((type, id) -> heard.add(type + " " + id));
    try (dev.aigateway.Gateway a = dev.aigateway.Gateway.builder().keyStore(store()).build()) {
      boolean kept = a.saveGatewayConfig(GATEWAY_LIMITS_1, GATEWAY_SETTINGS_1);
      if (!kept) {
        assertThat(store().gatewayConfig()).as("a store that does not keep it holds none").isNull();
        assertThat(a.limits()).as("nothing changed").isNotEqualTo(GATEWAY_LIMITS_1);
        return;
      }
      assertThat(store().gatewayConfig()).isNotNull();
      assertThat(heard).contains(ResourceType.GATEWAY_CONFIG + " " + KeyStore.GATEWAY_CONFIG_ID);
      assertThat(a.limits()).isEqualTo(GATEWAY_LIMITS_1);
      assertThat(a.accountSettings()).isEqualTo(GATEWAY_SETTINGS_1);
      try (dev.aigateway.Gateway b = dev.aigateway.Gateway.builder().keyStore(store()).maxAttempts(7).build()) {
        assertThat(b.limits()).as("a gateway built on the store starts with its configuration")
            .isEqualTo(GATEWAY_LIMITS_1);
        assertThat(b.accountSettings()).isEqualTo(GATEWAY_SETTINGS_1);
        assertThat(a.saveGatewayConfig(GATEWAY_LIMITS_2, GATEWAY_SETTINGS_2)).isTrue();
        assertThat(b.limits()).as("the other gateway on the store follows the replacement").isEqualTo(GATEWAY_LIMITS_2);
        assertThat(b.accountSettings()).isEqualTo(GATEWAY_SETTINGS_2);
      }
    }
  }

  /**
   * {@code updateGatewayConfig} hands the change the document stored now and keeps what it answers; a change that
   * throws stores nothing; and updates from several threads at once (on one store object) each see the one before,
   * so none is lost. A store that does not keep the document answers null and holds none.
   */
  @Test
  public void updateGatewayConfig_changesTheStoredDocumentInOneStep() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    store().addListener((type, id) -> heard.add(type + " " + id));
    String first = store().updateGatewayConfig(current -> {
      assertThat(current).as("nothing stored yet").isNull();
      return "{\"n\":0}";
    });
    if (first == null) {
      assertThat(store().gatewayConfig()).as("a store that does not keep it holds none").isNull();
      return;
    }
    assertThat(heard).contains(ResourceType.GATEWAY_CONFIG + " " + KeyStore.GATEWAY_CONFIG_ID);
    assertThat(counter(store().gatewayConfig())).isZero();
    assertThatThrownBy(() -> store().updateGatewayConfig(current -> {
      throw new IllegalStateException("refused change");
    })).hasMessage("refused change");
    assertThat(counter(store().gatewayConfig())).as("a change that throws stores nothing").isZero();

    int threads = 4;
    int each = 10;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            store().updateGatewayConfig(current -> "{\"n\":" + (counter(current) + 1) + "}");
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(counter(store().gatewayConfig())).as("no update lost").isEqualTo(threads * each);
  }

  private static final java.util.regex.Pattern COUNTER = java.util.regex.Pattern.compile("\"n\"\\s*:\\s*(\\d+)");

  /** The {@code n} of a document {@code {"n": 3}} (a store may change its whitespace), or -1. */
  private static int counter(@org.jspecify.annotations.Nullable String document) {
    java.util.regex.Matcher m = COUNTER.matcher(document == null ? "" : document);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  static final dev.aigateway.Gateway.Limits GATEWAY_LIMITS_1 = new dev.aigateway.Gateway.Limits(1 << 20,
      java.time.Duration.ofSeconds(90), java.time.Duration.ofMillis(30_500), 4, java.time.Duration.ofMillis(750));
  static final dev.aigateway.Gateway.AccountSettings GATEWAY_SETTINGS_1 = new dev.aigateway.Gateway.AccountSettings(
      true, 12, 5_000L, 800L, "tier: \"gold\"\nline two", "acct-1", List.of("https://app.example.com",
      "http://localhost:5173"));
  static final dev.aigateway.Gateway.Limits GATEWAY_LIMITS_2 = new dev.aigateway.Gateway.Limits(2 << 20,
      java.time.Duration.ofMinutes(3), java.time.Duration.ofSeconds(60), 2, java.time.Duration.ofSeconds(2));
  static final dev.aigateway.Gateway.AccountSettings GATEWAY_SETTINGS_2 =
      dev.aigateway.Gateway.AccountSettings.defaults();

  @Test
  public void deletingAMissingId_answersFalse_andChangesNothing() {
    KINDS.forEach(kind -> kind.deletesNothing(store()));
  }

  @Test
  public void touchingAnAccessKey_changesAtMostItsLastUsed() {
    AccessKey key = ACCESS_KEYS.put(store(), 1, "touched");
    Instant when = T0.plusSeconds(3600);
    store().touchAccessKey(key.id(), when);
    AccessKey read = Objects.requireNonNull(store().accessKey(key.id()), "a touched access key");
    assertThat(read.lastUsed()).as("lastUsed: unchanged, or the time given").isIn(key.lastUsed(), when);
    ACCESS_KEYS.assertEqual(read.toBuilder().lastUsed(key.lastUsed()).build(), key);
  }

  @Test
  public void lists_keepCreationOrder() {
    for (Kind<?> kind : KINDS) {
      if (!kind.newestFirst()) { // access keys and admin keys page by id instead
        kind.keepsCreationOrder(store());
      }
    }
  }

  @Test
  public void touchingAMissingAccessKey_createsNothing() {
    store().touchAccessKey(id(1), T0);
    assertThat(store().accessKey(id(1))).isNull();
    assertThat(store().accessKeys(null, 10)).isEmpty();
  }

  @Test
  public void concurrentPuts_fromSeveralThreads_loseNothing() throws Exception {
    int threads = 4;
    int each = 10;
    Set<String> heard = ConcurrentHashMap.newKeySet();
    store().addListener((type, id) -> heard.add(type + " " + id));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int first = 1 + t * each;
        writers.add(pool.submit(() -> {
          go.await();
          for (int n = first; n < first + each; n++) {
            for (Kind<?> kind : KINDS) {
              kind.put(store(), n, "concurrent");
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> writer : writers) {
        writer.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    KINDS.forEach(kind -> kind.holdsEveryOneOf(store(), threads * each, heard));
  }

  // ------------------------------------------------------------------ samples

  private static Instant at(int n) {
    return T0.plusSeconds(60L * n);
  }

  private static AccessKey accessKey(int n, String label) {
    byte[] digest = new byte[32];
    Arrays.fill(digest, (byte) n);
    digest[31] = (byte) label.hashCode();
    return AccessKey.builder().id(ACCESS_KEYS.id(n)).name("key " + label).description("access key " + n)
        .metadata("{\"team\":\"" + label + "\"}").configurationId(CONFIGURATIONS.id(n)).keyRedacted("ng-abcd***" + n)
        .secretDigest(digest).createdAt(at(n)).updatedAt(at(n).plusSeconds(label.length())).build();
  }

  private static AdminKey adminKey(int n, String label) {
    byte[] digest = new byte[32];
    Arrays.fill(digest, (byte) (n + 100));
    digest[31] = (byte) label.hashCode();
    return AdminKey.builder().id(ADMIN_KEYS.id(n)).name("admin " + label).description("admin key " + n)
        .metadata("m-" + label).keyRedacted("aigak_abcdef***" + n).tokenDigest(digest).createdAt(at(n))
        .updatedAt(at(n).plusSeconds(label.length())).lastUsed(n % 2 == 0 ? at(n).plusSeconds(30) : null).build();
  }

  private static AccessKeyConfiguration configuration(int n, String label) {
    String json = "{\"id\":\"" + CONFIGURATIONS.id(n) + "\",\"name\":\"config " + label + "\","
        + "\"description\":\"configuration " + n + "\",\"metadata\":\"m-" + label + "\","
        + "\"access\":{\"providers\":{\"allow\":[\"openai\",\"anthropic\"]},"
        + "\"models\":{\"allow\":[\"openai/gpt-4o\"]}},"
        + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\","
        + "\"keySelectionStrategy\":\"ordered\",\"keys\":[{\"id\":\"" + PROVIDER_KEYS.id(n) + "\"}]},"
        + "{\"type\":\"managed\"}]}]}}";
    return ConfigurationJson.parse(json).toBuilder().createdAt(at(n)).updatedAt(at(n).plusSeconds(label.length()))
        .build();
  }

  private static ProviderKey providerKey(int n, String label) {
    return ProviderKey.builder().id(PROVIDER_KEYS.id(n)).providerId("openai").name("provider key " + label)
        .description("provider key " + n).metadata("m-" + label)
        .value(SecretValue.of(String.format(Locale.ROOT, "sk-contract-secret-%s-%04d", label, n)))
        .keyRedacted("sk-c***" + String.format(Locale.ROOT, "%04d", n)).createdAt(at(n))
        .updatedAt(at(n).plusSeconds(label.length())).build();
  }

  private static CustomProvider provider(int n, String label) {
    return CustomProvider.builder().id(String.format(Locale.ROOT, "aigp_contract%04d", n)).providerId(PROVIDERS.id(n))
        .name("provider " + label).baseUrl("https://provider-" + n + ".example.com/v1").metadata("m-" + label)
        .supportedApiSurfaces(List.of(SurfaceSupport.of(Surface.CHAT_COMPLETIONS),
            new SurfaceSupport(Surface.Format.OPENAI, Surface.EMBEDDINGS, List.of("dimensions"))))
        .models(List.of("model-" + label, "model-" + n)).authHeader("X-Api-Key").authValuePrefix("Key ")
        .createdAt(at(n)).updatedAt(at(n).plusSeconds(label.length())).build();
  }

  private static VirtualModel virtualModel(int n, String label) {
    return VirtualModel.of(VIRTUAL_MODELS.id(n), "virtual-" + label, "virtual model " + n,
        List.of("gpt-4o-mini", "anthropic:claude-sonnet-4-6"), at(n), at(n).plusSeconds(label.length()));
  }

  /**
   * One resource type: how to make a sample, how the store puts, reads, deletes and lists it, and what must
   * survive a round trip ({@code view}, field by field: the resources need not implement {@code equals}).
   * Samples are pure: {@code sample(n, label)} answers an equal value every time.
   */
  record Kind<T>(String name, ResourceType type, String idPrefix, BiFunction<Integer, String, T> factory,
      Function<T, String> idOf, BiConsumer<KeyStore, T> putter, BiPredicate<KeyStore, T> replacer,
      BiFunction<KeyStore, String, ? extends @Nullable T> getter, BiPredicate<KeyStore, String> deleter,
      Function<KeyStore, List<T>> lister, Function<T, List<?>> view) {

    /** Whether the store lists this kind newest first by id (access and admin keys), not in creation order. */
    boolean newestFirst() {
      return type == ResourceType.ACCESS_KEY || type == ResourceType.ADMIN_KEY;
    }

    /** The id of sample {@code n}: the {@code providerId} for custom providers, as the store keys them. */
    String id(int n) {
      return String.format(Locale.ROOT, "%scontract%04d", idPrefix, n);
    }

    T sample(int n, String label) {
      return factory.apply(n, label);
    }

    /** Puts sample {@code n} and answers it. */
    T put(KeyStore store, int n, String label) {
      T value = sample(n, label);
      putter.accept(store, value);
      return value;
    }

    @Nullable T get(KeyStore store, int n) {
      return getter.apply(store, id(n));
    }

    boolean delete(KeyStore store, int n) {
      return deleter.test(store, id(n));
    }

    List<String> ids(KeyStore store) {
      List<String> ids = new ArrayList<>();
      lister.apply(store).forEach(v -> ids.add(idOf.apply(v)));
      return ids;
    }

    void assertStored(KeyStore store, T expected) {
      String id = idOf.apply(expected);
      T read = getter.apply(store, id);
      assertThat(read).as(name + " " + id).isNotNull();
      assertEqual(Objects.requireNonNull(read), expected);
      assertThat(lister.apply(store)).as(name + "s").anySatisfy(v -> assertEqual(v, expected));
    }

    void assertEqual(T actual, T expected) {
      assertThat(view.apply(actual)).as(name + " " + idOf.apply(expected)).isEqualTo(view.apply(expected));
    }

    void readsBackEqual(KeyStore store) {
      assertStored(store, put(store, 1, "first"));
      assertThat(ids(store)).as(name + "s").containsExactly(id(1));
    }

    void replaces(KeyStore store) {
      put(store, 1, "before");
      put(store, 2, "other");
      assertStored(store, put(store, 1, "after"));
      List<String> creationOrder = List.of(id(1), id(2));
      List<String> expected = newestFirst() ? List.of(id(2), id(1)) : creationOrder;
      assertThat(ids(store)).as(name + "s after a replacement").containsExactlyElementsOf(expected);
    }

    /** A replace of a missing id, or of a deleted one, answers false and stores nothing. */
    void replacesNothingMissing(KeyStore store) {
      put(store, 2, "kept");
      assertThat(replacer.test(store, sample(1, "never"))).as("replacing an unknown " + name).isFalse();
      assertThat(get(store, 1)).as("an unknown " + name + " after a replace").isNull();
      put(store, 3, "deleted");
      assertThat(delete(store, 3)).isTrue();
      assertThat(replacer.test(store, sample(3, "revived"))).as("replacing a deleted " + name).isFalse();
      assertThat(get(store, 3)).as("a deleted " + name + " after a replace").isNull();
      assertThat(ids(store)).as(name + "s after replacing missing ones").containsExactly(id(2));
    }

    /** A replace of a stored id replaces it in its place, and the listeners hear of it before it returns. */
    void replacesAStoredOne(KeyStore store, List<String> heard) {
      put(store, 1, "before");
      put(store, 2, "other");
      heard.clear();
      T after = sample(1, "after");
      assertThat(replacer.test(store, after)).as("replacing a stored " + name).isTrue();
      assertThat(heard).as("after a replace of a " + name).contains(type + " " + id(1));
      assertStored(store, after);
      List<String> expected = newestFirst() ? List.of(id(2), id(1)) : List.of(id(1), id(2));
      assertThat(ids(store)).as(name + "s after a replace").containsExactlyElementsOf(expected);
      heard.clear();
    }

    void deletes(KeyStore store) {
      put(store, 1, "doomed");
      put(store, 2, "kept");
      assertThat(delete(store, 1)).as("deleting a stored " + name).isTrue();
      assertThat(get(store, 1)).as(name + " after delete").isNull();
      assertThat(ids(store)).as(name + "s after delete").containsExactly(id(2));
    }

    void deletesNothing(KeyStore store) {
      put(store, 1, "kept");
      assertThat(delete(store, 9)).as("deleting an unknown " + name).isFalse();
      assertThat(delete(store, 1)).isTrue();
      assertThat(delete(store, 1)).as("deleting a " + name + " twice").isFalse();
      put(store, 2, "kept");
      assertThat(ids(store)).as(name + "s").containsExactly(id(2));
    }

    void keepsCreationOrder(KeyStore store) {
      for (int n : new int[] {3, 1, 4, 2}) {
        put(store, n, "ordered");
      }
      assertThat(ids(store)).as(name + "s").containsExactly(id(3), id(1), id(4), id(2));
    }

    void toldOfChanges(KeyStore store, List<String> heard) {
      String event = type + " " + id(1);
      put(store, 1, "heard");
      assertThat(heard).as("after a put of a " + name).contains(event);
      heard.clear();
      put(store, 1, "replaced");
      assertThat(heard).as("after a replacing put of a " + name).contains(event);
      heard.clear();
      delete(store, 1);
      assertThat(heard).as("after a delete of a " + name).contains(event);
      heard.clear();
    }

    void changeBeforeReopen(KeyStore store) {
      put(store, 1, "original");
      put(store, 2, "kept");
      put(store, 3, "deleted");
      put(store, 1, "replaced");
      delete(store, 3);
    }

    void survivedReopen(KeyStore store) {
      assertStored(store, sample(1, "replaced"));
      assertStored(store, sample(2, "kept"));
      assertThat(get(store, 3)).as("a deleted " + name + " after reopening").isNull();
      assertThat(ids(store)).as(name + "s after reopening").hasSize(2);
    }

    void holdsEveryOneOf(KeyStore store, int count, Set<String> heard) {
      List<String> expected = new ArrayList<>();
      for (int n = 1; n <= count; n++) {
        expected.add(id(n));
        assertThat(heard).as("listener told of " + name + " " + id(n)).contains(type + " " + id(n));
      }
      assertThat(ids(store)).as(name + "s written concurrently").containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
