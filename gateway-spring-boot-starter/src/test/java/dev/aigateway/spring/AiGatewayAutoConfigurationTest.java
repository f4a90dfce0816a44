package dev.aigateway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.store.DataDirectorySettings;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.TokenCounter;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.store.DataDirectoryKeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import dev.aigateway.tokenizer.O200kTokenCounter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration's beans and conditions, in application contexts without a server (fast): what an
 * application's own bean replaces, what {@code aigateway.enabled=false} leaves out, and the clear failures
 * for {@code store=jdbc}, {@code redis.url} and bad properties.
 */
final class AiGatewayAutoConfigurationTest {
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @TempDir
  Path dataDir;

  private WebApplicationContextRunner runner() {
    return new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class,
            AiGatewayHealthAutoConfiguration.class))
        .withPropertyValues("aigateway.data-dir=" + dataDir, "aigateway.admin.key=admin-key-of-the-context-test-01");
  }

  @Test
  void theDefaults_areAGatewayOnTheDataDirectory_servedAtV1_withTheManagementApi() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      Gateway gateway = context.getBean(Gateway.class);
      assertThat(gateway.keyStore()).isInstanceOf(DataDirectoryKeyStore.class);
      assertThat(((DataDirectoryKeyStore) gateway.keyStore()).directory()).isEqualTo(dataDir);
      assertThat(context.getBean(Upstream.class)).isInstanceOf(OwnedUpstream.class);
      assertThat(gateway.creditLedger()).isInstanceOf(dev.aigateway.store.DataDirectoryCreditLedger.class);
      assertThat(gateway.usageLog()).isInstanceOf(dev.aigateway.store.DataDirectoryUsageLog.class);
      FilterRegistrationBean<?> filter = context.getBean(AiGatewayAutoConfiguration.FILTER_REGISTRATION,
          FilterRegistrationBean.class);
      assertThat(filter.getUrlPatterns()).containsExactly("/v1/*");
      assertThat(filter.isAsyncSupported()).isTrue();
      assertThat(servletMappings(context)).containsExactlyInAnyOrder("/aigateway/*");
      assertThat(context.getBean(AdminKeys.class).verify("admin-key-of-the-context-test-01")).isTrue();
      assertThat(context).hasSingleBean(AiGatewayHealthIndicator.class);
    });
  }

  @Test
  void tokenEstimates_useO200k_unlessATokenCounterBeanIsGiven() {
    runner().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(Gateway.class).tokenCounter()).isInstanceOf(O200kTokenCounter.class);
    });
    TokenCounter mine = text -> 1;
    runner().withBean(TokenCounter.class, () -> mine).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(Gateway.class).tokenCounter()).isSameAs(mine);
    });
  }

  @Test
  void corsAllowedOrigins_areTheStartingValue_untilGatewayConfigSavesAList_andBadOnesFailAtStart() {
    runner().withPropertyValues("aigateway.cors-allowed-origins=HTTPS://App.Example.com,http://localhost:5173")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Gateway.class).accountSettings().corsAllowedOrigins())
              .containsExactly("https://app.example.com", "http://localhost:5173");
        });
    runner().run(context -> assertThat(context.getBean(Gateway.class).accountSettings().corsAllowedOrigins())
        .as("none by default").isEmpty());
    runner().withPropertyValues("aigateway.cors-allowed-origins=https://ok.example,https://app.example.com/")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining(
              "IllegalStateException: aigateway.cors-allowed-origins[1] must be scheme://host[:port] without a path");
        });
    dev.aigateway.store.DataDirectorySettings saved = dev.aigateway.store.DataDirectorySettings.open(dataDir);
    saved.saveGatewayConfig(new Gateway.Limits(20L << 20, java.time.Duration.ofMinutes(2),
        java.time.Duration.ofSeconds(60), 10, java.time.Duration.ofSeconds(2)),
        Gateway.AccountSettings.defaults().withCorsAllowedOrigins(List.of("https://saved.example")));
    runner().withPropertyValues("aigateway.cors-allowed-origins=https://property.example").run(context ->
        assertThat(context.getBean(Gateway.class).accountSettings().corsAllowedOrigins())
            .as("the list saved through /gateway-config wins").containsExactly("https://saved.example"));
  }

  @Test
  void enabledFalse_registersNothing() {
    runner().withPropertyValues("aigateway.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      List<String> ours = new ArrayList<>();
      for (String name : context.getBeanDefinitionNames()) {
        Object bean = context.getBean(name);
        if (bean.getClass().getName().startsWith("dev.aigateway") || name.startsWith("aigateway")) {
          ours.add(name);
        }
      }
      assertThat(ours).isEmpty();
      assertThat(context).doesNotHaveBean(Gateway.class).doesNotHaveBean(KeyStore.class)
          .doesNotHaveBean(FilterRegistrationBean.class).doesNotHaveBean(ServletRegistrationBean.class)
          .doesNotHaveBean(HealthIndicator.class);
    });
    assertThat(dataDir).isEmptyDirectory();
  }

  @Test
  void adminEnabledFalse_servesNoManagementApi_butStillTheGateway() {
    runner().withPropertyValues("aigateway.admin.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(Gateway.class).doesNotHaveBean(AdminKeys.class)
          .doesNotHaveBean(ServletRegistrationBean.class);
      assertThat(context).hasBean(AiGatewayAutoConfiguration.FILTER_REGISTRATION);
    });
  }

  @Test
  void theAdminPath_movesTheManagementApiAndTheDashboard() {
    runner().withPropertyValues("aigateway.admin.path=/ops/gateway").run(context ->
        assertThat(servletMappings(context)).containsExactlyInAnyOrder("/ops/gateway/*"));
  }

  @Test
  void aBadAdminPath_failsAtStart_namingTheProperty() {
    runner().withPropertyValues("aigateway.admin.path=/v1/admin").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.admin.path")
          .hasMessageContaining("/v1/admin");
    });
  }

  @Test
  void applicationBeans_replaceTheDefaults_andAreUsed() {
    FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
    upstream.forKey("sk-first-0000").respond(FakeUpstream.json(409, "{\"error\":\"conflict\"}"));
    upstream.forKey("sk-second-000").respond(FakeUpstream.json(200, "{\"ok\":true}"));
    KeyStore store = KeyStore.inMemory();
    CreditLedger ledger = CreditLedger.inMemory();
    UsageLog usage = UsageLog.inMemory(dev.aigateway.spi.Clock.system());
    runner().withBean(KeyStore.class, () -> store).withBean(Upstream.class, () -> upstream)
        .withBean(CreditLedger.class, () -> ledger).withBean(UsageLog.class, () -> usage)
        .withUserConfiguration(ConflictMeansNextKey.class).run(context -> {
          Gateway gateway = context.getBean(Gateway.class);
          assertThat(gateway.keyStore()).isSameAs(store);
          assertThat(gateway.creditLedger()).isSameAs(ledger);
          assertThat(gateway.usageLog()).isSameAs(usage);
          assertThat(context).doesNotHaveBean(DataDirectoryKeyStore.class);
          String token = provision(gateway, "sk-first-0000", "sk-second-000");
          try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY))) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.attempts()).extracting(a -> a.retryAction()).containsExactly(RetryAction.NEXT_KEY,
                RetryAction.SUCCEEDED);
          }
          assertThat(upstream.requests()).hasSize(2);
        });
    assertThat(dataDir).as("the application's store, ledger and usage log: no data directory written")
        .isEmptyDirectory();
  }

  @Test
  void everyListenerBean_isTold_evenWhenAnotherThrows() {
    FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
    upstream.forKey("sk-only-00000").always(FakeUpstream.json(200, "{\"ok\":true}"));
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    runner().withBean(KeyStore.class, KeyStore::inMemory).withBean(Upstream.class, () -> upstream)
        .withBean("counting", GatewayListener.class, () -> counting(first))
        .withBean("throwing", GatewayListener.class, () -> new GatewayListener() {
          @Override
          public void completed(RequestRecord request) {
            throw new IllegalStateException("listener failure");
          }
        })
        .withBean("countingToo", GatewayListener.class, () -> counting(second))
        .run(context -> {
          Gateway gateway = context.getBean(Gateway.class);
          String token = provision(gateway, "sk-only-00000");
          for (int i = 0; i < 3; i++) {
            try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY))) {
              assertThat(r.status()).isEqualTo(200);
            }
          }
          assertThat(first.get()).isEqualTo(3);
          assertThat(second.get()).isEqualTo(3);
        });
  }

  @Test
  void storeJdbc_withoutTheJdbcModule_failsAtStart_namingTheModule() {
    FilteredClassLoader withoutJdbc = new FilteredClassLoader("dev.aigateway.jdbc.");
    runner().withClassLoader(withoutJdbc).withPropertyValues("aigateway.store=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.store=jdbc")
          .hasMessageContaining("requires dev.aigateway:gateway-jdbc");
    });
    // the application's own store, ledger and usage log need no module
    runner().withClassLoader(withoutJdbc).withPropertyValues("aigateway.store=jdbc")
        .withBean(KeyStore.class, KeyStore::inMemory).withBean(CreditLedger.class, CreditLedger::inMemory)
        .withBean(UsageLog.class, () -> UsageLog.inMemory(dev.aigateway.spi.Clock.system()))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Gateway.class));
  }

  @Test
  void storeJdbc_withoutADataSourceBean_failsAtStart_sayingSo() {
    runner().withPropertyValues("aigateway.store=jdbc").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.store=jdbc")
          .hasMessageContaining("DataSource").hasMessageContaining("none");
    });
  }

  @Test
  void storeJdbc_withTwoDataSources_failsAtStart_unlessOneIsPrimary() {
    runner().withPropertyValues("aigateway.store=jdbc").withUserConfiguration(TwoDataSources.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("2 DataSource beans")
          .hasMessageContaining("@Primary");
    });
  }

  @Test
  void storeJdbc_withTwoDataSources_usesThePrimaryOne() {
    String url = dev.aigateway.jdbc.TestDatabase.get().newDatabaseUrl();
    runner().withPropertyValues("aigateway.store=jdbc", "test.url=" + url,
        "AIGATEWAY_MASTER_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
        .withUserConfiguration(PrimaryDataSource.class).run(context -> {
          assertThat(context).hasNotFailed();
          Gateway gateway = context.getBean(Gateway.class);
          assertThat(((dev.aigateway.jdbc.JdbcKeyStore) gateway.keyStore()).dataSource())
              .isSameAs(context.getBean("main"));
          assertThat(gateway.creditLedger()).isInstanceOf(dev.aigateway.jdbc.JdbcCreditLedger.class);
          assertThat(gateway.usageLog()).isInstanceOf(dev.aigateway.jdbc.JdbcUsageLog.class);
        });
  }

  /** The application's database, primary, and a second pool the gateway must leave alone. */
  @Configuration(proxyBeanMethods = false)
  static class PrimaryDataSource {
    @Bean
    @org.springframework.context.annotation.Primary
    javax.sql.DataSource main(org.springframework.core.env.Environment env) {
      com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
      ds.setJdbcUrl(env.getRequiredProperty("test.url"));
      ds.setMaximumPoolSize(4);
      return ds;
    }

    @Bean
    javax.sql.DataSource reporting() {
      return new com.zaxxer.hikari.HikariDataSource();
    }
  }

  /** Two pools that never connect (the failure comes first). */
  @Configuration(proxyBeanMethods = false)
  static class TwoDataSources {
    @Bean
    javax.sql.DataSource first() {
      return new com.zaxxer.hikari.HikariDataSource();
    }

    @Bean
    javax.sql.DataSource second() {
      return new com.zaxxer.hikari.HikariDataSource();
    }
  }

  @Test
  void redisUrl_withoutTheRedisModule_failsAtStart_withoutShowingTheUrl() {
    runner().withClassLoader(new FilteredClassLoader("dev.aigateway.redis."))
        .withPropertyValues("aigateway.redis.url=redis://:s3cret-pass@127.0.0.1:6379/0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.redis.url")
          .hasMessageContaining("dev.aigateway:gateway-redis").hasMessageNotContaining("s3cret-pass");
    });
    runner().withClassLoader(new FilteredClassLoader("dev.aigateway.redis."))
        .withPropertyValues("aigateway.redis.url=redis://127.0.0.1:6379")
        .withBean(AiGatewayAutoConfiguration.REDIS_BEAN, Object.class, Object::new)
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Gateway.class));
  }

  @Test
  void aBadRedisUrl_failsAtStart_withoutShowingIt() {
    runner().withPropertyValues("aigateway.redis.url=http://:s3cret-pass@127.0.0.1:6379/0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.redis.url")
          .hasMessageNotContaining("s3cret-pass");
      Throwable t = context.getStartupFailure();
      for (; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret-pass");
      }
    });
  }

  @Test
  void upstreamOverrides_areCheckedAtStart() {
    runner().withPropertyValues("aigateway.upstreams.nope=https://example.invalid/v1").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.upstreams.nope")
          .hasMessageContaining("not a built-in provider");
    });
    // without allow-private-upstreams a plain-http loopback URL is refused (no connection is made)
    runner().withPropertyValues("aigateway.upstreams.openai=http://127.0.0.1:9/v1").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.upstreams.openai");
    });
    runner().withPropertyValues("aigateway.upstreams.openai=http://127.0.0.1:9/v1", "aigateway.allow-private-upstreams=true")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void managedCredentials_areReadFromTheNamedVariable() {
    runner().withPropertyValues("aigateway.managed.openai=TEST_OPENAI_SECRET", "TEST_OPENAI_SECRET=sk-managed-4444")
        .run(context -> {
          CredentialResolver credentials = context.getBean(CredentialResolver.class);
          assertThat(credentials.managed("openai")).isNotNull();
          assertThat(credentials.managed("openai").reveal()).isEqualTo("sk-managed-4444");
          assertThat(credentials.managed("anthropic")).isNull();
        });
    runner().withPropertyValues("aigateway.managed.nope=X").run(context ->
        assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("aigateway.managed.nope"));
  }

  @Test
  void theGateway_isClosedWhenTheApplicationStops() {
    Gateway[] held = new Gateway[1];
    runner().run(context -> held[0] = context.getBean(Gateway.class));
    assertThatThrownBy(() -> held[0].plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, "ng-x", BODY)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void withoutAnAdminKey_oneIsGeneratedIntoTheStore_printedOnce_andOnlyItsDigestKept() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String token;
    String id;
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dataDir, null)) {
      Gateway gateway = Gateway.builder().keyStore(store).build();
      AdminKeys keys = AiGatewayAutoConfiguration.adminKeys(null, null, DataDirectorySettings.open(dataDir), gateway,
          new PrintStream(out, true, StandardCharsets.UTF_8));
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("admin API key (shown once");
      token = printed.substring(printed.indexOf("aigak_")).strip();
      assertThat(keys.isEmpty()).as("nothing configured: the generated key lives in the store").isTrue();
      var stored = gateway.admin().adminKeys().list(null, 10).items();
      assertThat(stored).singleElement().satisfies(k -> assertThat(k.name()).isEqualTo("initial"));
      id = stored.get(0).id();
      assertThat(token).startsWith(id + "_");
      assertThat(stored.get(0).digestMatches(keys.digestOf(token))).isTrue();
    }
    assertThat(Files.readString(dataDir.resolve("store.log"))).contains(id).doesNotContain(token);

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dataDir, null)) {
      Gateway gateway = Gateway.builder().keyStore(store).build();
      AiGatewayAutoConfiguration.adminKeys(null, null, DataDirectorySettings.open(dataDir), gateway,
          new PrintStream(again, true, StandardCharsets.UTF_8));
      assertThat(again.size()).as("printed only the first time").isZero();
      assertThat(gateway.admin().adminKeys().get(id).name()).isEqualTo("initial");
    }
  }

  @Test
  void theEnvironmentsAdminKey_isUsed_andATooShortKeyFailsClearly() {
    runner().withPropertyValues("aigateway.admin.key=", "AIGATEWAY_ADMIN_KEY=admin-key-from-the-environment")
        .run(context -> assertThat(context.getBean(AdminKeys.class).verify("admin-key-from-the-environment")).isTrue());
    runner().withPropertyValues("aigateway.admin.key=short").run(context ->
        assertThat(context.getStartupFailure())
            .hasStackTraceContaining("IllegalStateException: aigateway.admin.key: an admin key must be at least 16"));
  }

  @Test
  void theHealthIndicator_isUpWhenTheStoreAnswers_andDownWithoutDetailsWhenItFails() {
    runner().run(context -> {
      Health health = context.getBean(AiGatewayHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("store", "DataDirectoryKeyStore");
    });
    KeyStore broken = (KeyStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {KeyStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("accessKeys")) {
            throw new IllegalStateException("database at jdbc:postgresql://db/x?password=pw-leak-0000 is down");
          }
          return method.getName().equals("toString") ? "BrokenStore" : null;
        });
    runner().withBean(KeyStore.class, () -> broken).run(context -> {
      Health health = context.getBean(AiGatewayHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("error", "java.lang.IllegalStateException");
      assertThat(health.getDetails().toString()).doesNotContain("pw-leak-0000");
    });
  }

  @Test
  void withoutActuator_thereIsNoHealthIndicator_andTheGatewayStillStarts() {
    runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
        assertThat(context).hasNotFailed().hasSingleBean(Gateway.class).doesNotHaveBean(AiGatewayHealthIndicator.class));
  }

  private static String provision(Gateway gateway, String... secrets) {
    StringBuilder keys = new StringBuilder();
    for (String secret : secrets) {
      String id = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai")
          .name("key-" + secret.substring(3, 8)).value(secret).build()).id();
      keys.append(keys.length() == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\"}");
    }
    String config = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"test\","
        + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[" + keys + "]}]}]}}"))
        .id();
    return gateway.admin().accessKeys().create(AccessKeyChange.builder().name("test").configurationId(config).build())
        .token();
  }

  private static List<String> servletMappings(org.springframework.context.ApplicationContext context) {
    List<String> out = new ArrayList<>();
    for (ServletRegistrationBean<?> reg : context.getBeansOfType(ServletRegistrationBean.class).values()) {
      out.addAll(reg.getUrlMappings());
    }
    return out;
  }

  private static GatewayListener counting(AtomicInteger count) {
    return new GatewayListener() {
      @Override
      public void completed(RequestRecord request) {
        count.incrementAndGet();
      }
    };
  }

  /** An application's policy: 409 moves on to the next key. */
  @Configuration(proxyBeanMethods = false)
  static class ConflictMeansNextKey {
    @Bean
    FailoverPolicy failoverPolicy() {
      FailoverPolicy defaults = FailoverPolicy.defaults();
      return new FailoverPolicy() {
        @Override
        public RetryAction classify(int status) {
          return status == 409 ? RetryAction.NEXT_KEY : defaults.classify(status);
        }

        @Override
        public Duration cooldown(int status, @Nullable Duration retryAfter) {
          return defaults.cooldown(status, retryAfter);
        }
      };
    }
  }
}
