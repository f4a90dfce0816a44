package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessScope;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.jdbc.ChangeFollower;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.ResourceType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateways, each with its own {@link JdbcKeyStore} (and its own pool) on one schema, as three replicas of
 * a host application: what one changes through its admin API, the others see within a second.
 */
final class MultiInstanceTest {
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final List<JdbcKeyStore> stores = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();
  private String schema;

  @BeforeEach
  void startThreeInstances() {
    schema = TestDatabase.newSchema();
    for (int i = 0; i < 3; i++) {
      gateways.add(Gateway.builder().keyStore(open(true)).build());
    }
    gateways.get(0).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("primary")
        .value("sk-multi-instance-0123456789").build());
    for (Gateway g : gateways) {
      eventually(() -> g.keyStore().providerKeys().size() == 1, "the provider key reaches every instance");
    }
  }

  private JdbcKeyStore open(boolean listen) {
    JdbcKeyStore store = JdbcKeyStore.builder().jdbcUrl(TestDatabase.get().jdbcUrl()).maximumPoolSize(3)
        .schema(schema).masterKey(JdbcKeyStoreContractTest.MASTER_KEY).listen(listen).build();
    stores.add(store);
    return store;
  }

  @AfterEach
  void stop() {
    gateways.forEach(Gateway::close);
    stores.forEach(JdbcKeyStore::close);
  }

  @Test
  void anAdminKeyCreatedThroughOneInstance_reachesTheOthersWithinASecond_andSoDoesItsDeletion() {
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    gateways.get(2).keyStore().addListener((type, id) -> heard.add(type + " " + id));
    dev.aigateway.admin.CreatedAdminKey created = gateways.get(0).admin().adminKeys()
        .create(dev.aigateway.admin.AdminKeyChange.builder().name("ops").build());
    String id = created.key().id();
    long t0 = System.nanoTime();
    for (Gateway g : gateways) {
      eventually(() -> g.keyStore().adminKey(id) != null, "the admin key reaches every instance");
    }
    assertThat(System.nanoTime() - t0).as("admin key seen everywhere, ns").isLessThan(SECOND);
    dev.aigateway.resource.AdminKey seen = gateways.get(1).admin().adminKeys().get(id);
    assertThat(seen.name()).isEqualTo("ops");
    assertThat(seen.digestMatches(new dev.aigateway.admin.AdminKeys().digestOf(created.token()))).isTrue();
    // the copy is updated before the listeners are told: the listener may run a moment after the key is visible
    eventually(() -> heard.contains(ResourceType.ADMIN_KEY + " " + id), "B's listener is told");

    // a second key, so that the first is not the last one
    gateways.get(1).admin().adminKeys().create(dev.aigateway.admin.AdminKeyChange.builder().build());
    gateways.get(1).admin().adminKeys().delete(id);
    t0 = System.nanoTime();
    for (Gateway g : gateways) {
      eventually(() -> g.keyStore().adminKey(id) == null, "the deletion reaches every instance");
    }
    assertThat(System.nanoTime() - t0).as("deletion seen everywhere, ns").isLessThan(SECOND);
  }

  @Test
  void aKeyCreatedThroughOneInstance_worksOnTheOthers() {
    CreatedAccessKey created = gateways.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("shared")
        .build());
    for (Gateway g : gateways) {
      RoutePlan plan = eventuallyPlans(g, created.token());
      assertThat(plan.accessKeyId()).isEqualTo(created.key().id());
      assertThat(plan.attempts()).hasSize(1);
    }
  }

  @Test
  void aKeyCreatedRightAfterAFailedLookup_worksAtOnceOnTheInstanceThatCreatedIt() {
    CreatedAccessKey created = gateways.get(1).admin().accessKeys().create(AccessKeyChange.builder().name("local")
        .build());
    assertThat(gateways.get(1).plan(request(created.token())).accessKeyId()).isEqualTo(created.key().id());
  }

  @Test
  void revocations_reachEveryInstanceWithinASecond() {
    int rounds = 50;
    List<Long> latencies = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Gateway origin = gateways.get(round % 3);
      CreatedAccessKey created = origin.admin().accessKeys().create(AccessKeyChange.builder().name("r" + round)
          .build());
      for (Gateway g : gateways) {
        eventuallyPlans(g, created.token()); // cached on every instance before the revocation
      }
      long start = System.nanoTime();
      origin.admin().accessKeys().delete(created.key().id());
      assertRejected(origin, created.token(), ErrorCode.INVALID_ACCESS_KEY); // at once where it was deleted
      for (Gateway g : gateways) {
        if (g != origin) {
          latencies.add(untilRejected(g, created.token(), ErrorCode.INVALID_ACCESS_KEY, start));
        }
      }
    }
    report("revocation", latencies);
    assertThat(percentile(latencies, 99)).as("p99 of revocation propagation, ns").isLessThan(SECOND);
  }

  @Test
  void configurationChanges_reachEveryInstanceWithinASecond() {
    Gateway origin = gateways.get(0);
    String configId = origin.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"scoped\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}")).id();
    CreatedAccessKey created = origin.admin().accessKeys().create(AccessKeyChange.builder().name("scoped")
        .configurationId(configId).build());
    List<Long> latencies = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (Gateway g : gateways) {
        eventuallyPlans(g, created.token());
      }
      long start = System.nanoTime();
      origin.admin().configurations().update(configId, ConfigurationChange.builder()
          .access(AccessScope.of(List.of("anthropic"), null)).build());
      for (Gateway g : gateways) {
        if (g != origin) {
          latencies.add(untilRejected(g, created.token(), ErrorCode.PROVIDER_NOT_ALLOWED, start));
        }
      }
      origin.admin().configurations().update(configId, ConfigurationChange.builder()
          .access(AccessScope.of(List.of("openai"), null)).build());
    }
    report("configuration change", latencies);
    assertThat(percentile(latencies, 99)).as("p99 of configuration propagation, ns").isLessThan(SECOND);
  }

  @Test
  void aGatewayConfigSavedOnOneInstance_takesEffectOnTheOthersWithinASecond() {
    Gateway origin = gateways.get(0);
    CreatedAccessKey created = origin.admin().accessKeys().create(AccessKeyChange.builder().name("config")
        .build());
    for (Gateway g : gateways) {
      eventuallyPlans(g, created.token()); // served while credits are not enforced (every ledger is empty)
    }
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    gateways.get(2).keyStore().addListener((type, id) -> heard.add(type + " " + id));
    Gateway.Limits limits = new Gateway.Limits(1 << 20, java.time.Duration.ofSeconds(90),
        java.time.Duration.ofSeconds(30), 3, java.time.Duration.ofSeconds(1));
    Gateway.AccountSettings settings = origin.accountSettings().withCreditsEnforced(true)
        .withCorsAllowedOrigins(List.of("https://app.example.com"));
    long start = System.nanoTime();
    assertThat(origin.saveGatewayConfig(limits, settings)).as("kept by the shared store").isTrue();
    assertThat(origin.limits()).as("at once where it was saved").isEqualTo(limits);
    List<Long> latencies = new ArrayList<>();
    for (Gateway g : gateways.subList(1, 3)) {
      latencies.add(untilRejected(g, created.token(), ErrorCode.INSUFFICIENT_CREDITS, start));
      assertThat(g.accountSettings().corsAllowedOrigins()).containsExactly("https://app.example.com");
      assertThat(g.limits().maxAttempts()).isEqualTo(3);
      assertThat(g.limits()).isEqualTo(limits);
    }
    report("gateway configuration", latencies);
    assertThat(latencies).as("credits enforced on every instance, ns").allSatisfy(l -> assertThat(l)
        .isLessThan(SECOND));
    eventually(() -> heard.contains(ResourceType.GATEWAY_CONFIG + " gateway-config"), "the listener is told");

    // an instance started afterwards starts with it, whatever its builder says
    Gateway late = Gateway.builder().keyStore(open(true)).maxAttempts(9).build();
    gateways.add(late);
    assertThat(late.limits()).isEqualTo(limits);
    assertThat(late.accountSettings()).isEqualTo(gateways.get(1).accountSettings());

    // and the change back reaches everyone too
    assertThat(gateways.get(1).saveGatewayConfig(limits, settings.withCreditsEnforced(false))).isTrue();
    for (Gateway g : gateways) {
      eventuallyPlans(g, created.token());
    }
  }

  @Test
  void aGatewayConfigWrittenBySql_reachesEveryInstance_andABadOneIsIgnoredByRunningInstances() throws Exception {
    TestDatabase.get().execute("insert into " + schema + ".gateway_config (id, body) values ('gateway-config', "
        + "'{\"maxAttempts\": 4, \"corsAllowedOrigins\": [\"https://sql.example.com\"]}')");
    for (Gateway g : gateways) {
      eventually(() -> g.limits().maxAttempts() == 4, "a row written by SQL reaches every instance");
      assertThat(g.accountSettings().corsAllowedOrigins()).containsExactly("https://sql.example.com");
    }
    TestDatabase.get().execute("update " + schema + ".gateway_config set body = '{\"maxAttempts\": 0}'");
    for (Gateway g : gateways) {
      eventually(() -> String.valueOf(g.keyStore().gatewayConfig()).replace(" ", "").equals("{\"maxAttempts\":0}"),
          "the bad row is read");
      assertThat(g.limits().maxAttempts()).as("a bad document leaves the one in force").isEqualTo(4);
    }
    assertThatThrownBy(() -> Gateway.builder().keyStore(open(true)).build())
        .as("a new instance refuses to start with other settings than the others")
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxAttempts");
  }

  @Test
  void aLostNotification_isCaughtByThePoll_afterTheListeningConnectionIsKilled() throws Exception {
    CreatedAccessKey created = gateways.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("kill")
        .build());
    for (Gateway g : gateways) {
      eventuallyPlans(g, created.token());
    }
    int killed = terminateListeners();
    assertThat(killed).as("LISTEN connections terminated").isGreaterThanOrEqualTo(3);
    long start = System.nanoTime();
    gateways.get(0).admin().accessKeys().delete(created.key().id());
    for (Gateway g : gateways.subList(1, 3)) {
      long latency = untilRejected(g, created.token(), ErrorCode.INVALID_ACCESS_KEY, start);
      assertThat(latency).as("revocation after the LISTEN connection was killed, ns").isLessThan(2 * SECOND);
    }
    // the instances listen again: a later change arrives as before
    CreatedAccessKey later = gateways.get(2).admin().accessKeys().create(AccessKeyChange.builder().name("later")
        .build());
    eventuallyPlans(gateways.get(0), later.token());
  }

  @Test
  void anInstanceThatDoesNotListen_seesChangesByPollingAlone() {
    JdbcKeyStore pollingOnly = open(false);
    Gateway polling = Gateway.builder().keyStore(pollingOnly).build();
    gateways.add(polling);
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    pollingOnly.addListener((type, id) -> heard.add(type + " " + id));
    CreatedAccessKey created = gateways.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("polled")
        .build());
    eventuallyPlans(polling, created.token());
    long start = System.nanoTime();
    gateways.get(0).admin().accessKeys().delete(created.key().id());
    long latency = untilRejected(polling, created.token(), ErrorCode.INVALID_ACCESS_KEY, start);
    assertThat(latency).as("revocation by polling alone, ns").isLessThan(2 * SECOND);
    assertThat(heard).contains(ResourceType.ACCESS_KEY + " " + created.key().id());
  }

  @Test
  void aChangeMadeBySqlOnTheTables_reachesEveryInstance() throws Exception {
    CreatedAccessKey created = gateways.get(0).admin().accessKeys().create(AccessKeyChange.builder().name("sql")
        .build());
    for (Gateway g : gateways) {
      eventuallyPlans(g, created.token());
    }
    try (Connection c = TestDatabase.get().connection();
        PreparedStatement ps = c.prepareStatement("delete from " + schema + ".access_keys where id = ?")) {
      ps.setString(1, created.key().id());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    for (Gateway g : gateways) {
      untilRejected(g, created.token(), ErrorCode.INVALID_ACCESS_KEY, System.nanoTime());
    }
    TestDatabase.get().execute("truncate " + schema + ".provider_keys");
    for (Gateway g : gateways) {
      eventually(() -> g.keyStore().providerKeys().isEmpty(), "a TRUNCATE reaches every instance");
    }
  }

  // ------------------------------------------------------------------ helpers

  private int terminateListeners() throws Exception {
    try (Connection c = TestDatabase.get().connection(); PreparedStatement ps = c.prepareStatement(
        "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity "
            + "where application_name = ? and datname = current_database()) t")) {
      ps.setString(1, ChangeFollower.APPLICATION_NAME);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static GatewayRequest request(String token) {
    return GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY);
  }

  /** Plans with the token until it is accepted (at most 5 s). */
  private static RoutePlan eventuallyPlans(Gateway g, String token) {
    long deadline = System.nanoTime() + 5 * SECOND;
    while (true) {
      try {
        return g.plan(request(token));
      } catch (GatewayException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        pause();
      }
    }
  }

  /** Plans with the token until it is refused with {@code code} (at most 5 s); answers the time since start. */
  private static long untilRejected(Gateway g, String token, ErrorCode code, long start) {
    long deadline = start + 5 * SECOND;
    while (true) {
      try {
        g.plan(request(token));
      } catch (GatewayException e) {
        if (e.code() == code) {
          return System.nanoTime() - start;
        }
        throw e;
      }
      assertThat(System.nanoTime()).as("refused with " + code + " within 5 s").isLessThan(deadline);
      pause();
    }
  }

  private static void assertRejected(Gateway g, String token, ErrorCode code) {
    assertThatThrownBy(() -> g.plan(request(token))).isInstanceOfSatisfying(GatewayException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }

  private static void eventually(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 5 * SECOND;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 5 s").isLessThan(deadline);
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static void report(String what, List<Long> latencies) {
    System.out.printf(Locale.ROOT, "%s propagation to another instance over %d measurements: p50 %.2f ms, p99 %.2f ms,"
        + " max %.2f ms%n", what, latencies.size(), percentile(latencies, 50) / 1e6, percentile(latencies, 99) / 1e6,
        percentile(latencies, 100) / 1e6);
  }
}
