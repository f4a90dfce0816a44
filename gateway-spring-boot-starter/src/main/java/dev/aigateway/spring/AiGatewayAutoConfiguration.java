package dev.aigateway.spring;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.http.GatewayFront;
import dev.aigateway.servlet.AdminServlet;
import dev.aigateway.servlet.GatewayFilter;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.TokenCounter;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.tokenizer.O200kTokenCounter;
import dev.aigateway.store.DataDirectoryCreditLedger;
import dev.aigateway.store.DataDirectorySettings;
import dev.aigateway.store.DataDirectoryKeyStore;
import dev.aigateway.store.DataDirectoryUsageLog;
import jakarta.servlet.DispatcherType;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The gateway in a Spring Boot application (DESIGN §10): a {@link Gateway} built from beans the application
 * may replace ({@link KeyStore}, {@link CredentialResolver}, {@link Upstream}, {@link CreditLedger},
 * {@link FailoverPolicy}, {@link UsageLog}; every {@link GatewayListener} bean is told every event), served at
 * {@code /v1/*} of the application by a filter that leaves the application's own routes alone, and the
 * management API under {@code aigateway.admin.path}. Configured by {@link AiGatewayProperties};
 * {@code aigateway.enabled=false} registers nothing.
 *
 * <p>Optional modules: with {@code aigateway.store=jdbc} and {@code dev.aigateway:gateway-jdbc} on the class
 * path, the store, the credit ledger and the usage log are kept on the application's {@code DataSource} bean
 * (PostgreSQL), shared by every instance of the application; with {@code aigateway.redis.url} and
 * {@code dev.aigateway:gateway-redis}, per-key limits, budgets and provider-requested cooldowns are counted in
 * that Redis (the bean {@value #REDIS_BEAN}). A property set without its module stops the start with a message
 * that names the module. {@code dev.aigateway:gateway-micrometer} provides a {@link GatewayListener} bean. The
 * dashboard is served by the management API's servlet at {@code <admin.path>/dashboard/}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "aigateway", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AiGatewayProperties.class)
public class AiGatewayAutoConfiguration {
  /**
   * The name of the bean holding the shared counters of {@code gateway-redis} ({@code RedisLimits}) for
   * {@code aigateway.redis.url}; an application bean of that name replaces it.
   */
  public static final String REDIS_BEAN = "aigatewayRedis";
  /** The name of the gateway bean. */
  static final String GATEWAY_BEAN = "aigateway";
  /** The name of the registration of the filter that serves {@code /v1/*}. */
  public static final String FILTER_REGISTRATION = "aigatewayFilterRegistration";
  /**
   * Where the gateway's filter runs in the application's chain: after Spring's character-encoding and
   * observation filters, before Spring Security's chain ({@code -100}), whose session or login rules are not
   * meant for access keys.
   */
  public static final int FILTER_ORDER = -110;

  /**
   * The embedded store in {@code aigateway.data-dir}, master key from env {@code AIGATEWAY_MASTER_KEY}; with
   * {@code aigateway.store=jdbc}, {@code JdbcKeyStore} on the application's {@code DataSource} (the same master
   * key on every instance: {@code AIGATEWAY_MASTER_KEY}, else {@code master.key} in the data directory).
   */
  @Bean
  @ConditionalOnMissingBean(KeyStore.class)
  public KeyStore aigatewayKeyStore(AiGatewayProperties properties, Environment env, ListableBeanFactory beans) {
    if (properties.getStore() == AiGatewayProperties.Store.JDBC) {
      return JdbcParts.keyStore(jdbcDataSource(beans, "aigatewayKeyStore"), env.getProperty("AIGATEWAY_MASTER_KEY"),
          properties.getDataDir());
    }
    return DataDirectoryKeyStore.open(properties.getDataDir(), env.getProperty("AIGATEWAY_MASTER_KEY"));
  }

  /** Whether the application's class loader has {@code className} (an optional module). */
  private static boolean present(ListableBeanFactory beans, String className) {
    ClassLoader loader = beans instanceof ConfigurableListableBeanFactory f ? f.getBeanClassLoader() : null;
    return ClassUtils.isPresent(className, loader != null ? loader : AiGatewayAutoConfiguration.class.getClassLoader());
  }

  /**
   * The application's one {@code DataSource} bean, for {@code aigateway.store=jdbc}; {@code dependent} is
   * destroyed before it (its pending writes go out while the pool is open).
   *
   * @throws IllegalStateException when {@code gateway-jdbc} is missing, or there is no single DataSource bean
   */
  private static DataSource jdbcDataSource(ListableBeanFactory beans, String dependent) {
    if (!present(beans, JdbcParts.KEY_STORE_CLASS)) {
      throw new IllegalStateException(JdbcParts.MISSING);
    }
    String[] names = beans.getBeanNamesForType(DataSource.class);
    String name = names.length == 1 ? names[0] : primary(beans, names);
    if (name == null) {
      throw new IllegalStateException("aigateway.store=jdbc keeps the gateway's state on the application's "
          + "DataSource (PostgreSQL), but the application has " + (names.length == 0 ? "none" : names.length
          + " DataSource beans and none is @Primary") + ": declare one (for instance with spring-boot-starter-jdbc "
          + "and spring.datasource.url)"
          + (names.length == 0 ? "" : ", mark one @Primary, or replace the gateway's KeyStore, CreditLedger and "
          + "UsageLog beans"));
    }
    if (beans instanceof ConfigurableListableBeanFactory factory) {
      factory.registerDependentBean(name, dependent);
    }
    return beans.getBean(name, DataSource.class);
  }

  /** The one primary bean among {@code names}, or null. */
  private static @Nullable String primary(ListableBeanFactory beans, String[] names) {
    if (!(beans instanceof ConfigurableListableBeanFactory factory)) {
      return null;
    }
    String found = null;
    for (String n : names) {
      if (factory.containsBeanDefinition(n) && factory.getBeanDefinition(n).isPrimary()) {
        if (found != null) {
          return null;
        }
        found = n;
      }
    }
    return found;
  }

  /** The gateway's own state beside the store: generated admin key digests, saved limits. */
  @Bean
  DataDirectorySettings aigatewayDataDirectorySettings(AiGatewayProperties properties) {
    return DataDirectorySettings.open(properties.getDataDir());
  }

  /** Stored provider key values, plus {@code aigateway.managed.<provider>=ENV_VAR} read once at start. */
  @Bean
  @ConditionalOnMissingBean(CredentialResolver.class)
  public CredentialResolver aigatewayCredentialResolver(AiGatewayProperties properties, Environment env) {
    Map<String, String> vars = new LinkedHashMap<>();
    properties.getManaged().forEach((provider, variable) -> {
      if (!ProviderCatalog.builtIn().isKnown(provider)) {
        throw new IllegalStateException("aigateway.managed." + provider + ": '" + provider
            + "' is not a built-in provider");
      }
      vars.put(provider, variable);
    });
    return managedFrom(vars, env);
  }

  // safe: managedFromEnv takes a Function<String, @Nullable String> and skips unset variables; NullAway 0.12
  // does not read that type argument's @Nullable from gateway-core's class files
  @SuppressWarnings("NullAway")
  private static CredentialResolver managedFrom(Map<String, String> vars, Environment env) {
    return CredentialResolver.managedFromEnv(vars, env::getProperty);
  }

  /**
   * OkHttp, public addresses only unless {@code aigateway.allow-private-upstreams}. The gateway closes it
   * (and so releases its client) when it is closed.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(Upstream.class)
  public Upstream aigatewayUpstream(AiGatewayProperties properties) {
    return OwnedUpstream.create(properties.isAllowPrivateUpstreams());
  }

  /**
   * The account's credits, in the data directory ({@code credits.log}), or with {@code aigateway.store=jdbc} in
   * the application's database (one balance for every instance); enforced only when {@code /gateway-config}
   * turns {@code creditsEnforced} on. Closed (pending charges written) on shutdown.
   */
  @Bean
  @ConditionalOnMissingBean(CreditLedger.class)
  public CreditLedger aigatewayCreditLedger(AiGatewayProperties properties, ListableBeanFactory beans) {
    if (properties.getStore() == AiGatewayProperties.Store.JDBC) {
      return JdbcParts.creditLedger(jdbcDataSource(beans, "aigatewayCreditLedger"));
    }
    return DataDirectoryCreditLedger.open(properties.getDataDir());
  }

  /**
   * The usage events ({@code /usage}, {@code /usage/overview}), in the data directory ({@code usage/}), or with
   * {@code aigateway.store=jdbc} in the application's database (one log for every instance); kept 30 days.
   * Closed (queued events written) on shutdown.
   */
  @Bean
  @ConditionalOnMissingBean(UsageLog.class)
  public UsageLog aigatewayUsageLog(AiGatewayProperties properties, ListableBeanFactory beans) {
    if (properties.getStore() == AiGatewayProperties.Store.JDBC) {
      return JdbcParts.usageLog(jdbcDataSource(beans, "aigatewayUsageLog"));
    }
    return DataDirectoryUsageLog.open(properties.getDataDir());
  }

  /**
   * {@code RedisLimits} for {@code aigateway.redis.url} when {@code gateway-redis} is on the class path; it
   * connects lazily and is closed after the gateway.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = RedisParts.LIMITS_CLASS)
  @Conditional(RedisUrlSet.class)
  static class SharedCounters {
    @Bean(name = REDIS_BEAN)
    @ConditionalOnMissingBean(name = REDIS_BEAN)
    AutoCloseable aigatewayRedis(AiGatewayProperties properties) {
      return RedisParts.open(java.util.Objects.requireNonNull(properties.getRedis().getUrl(), "aigateway.redis.url"));
    }
  }

  /** {@code aigateway.redis.url} is set and not blank. */
  static final class RedisUrlSet implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String url = context.getEnvironment().getProperty("aigateway.redis.url");
      return url != null && !url.isBlank();
    }
  }

  /** The design's verdicts and cooldowns. */
  @Bean
  @ConditionalOnMissingBean(FailoverPolicy.class)
  public FailoverPolicy aigatewayFailoverPolicy() {
    return FailoverPolicy.defaults();
  }

  /**
   * The gateway, closed when the application stops. Every {@link GatewayListener} bean is told each event,
   * in the beans' order. A {@link TokenCounter} bean counts tokens for the estimates; without one, the
   * {@code o200k_base} counter of {@code gateway-tokenizer} (a dependency of this starter) does.
   */
  @Bean(name = GATEWAY_BEAN, destroyMethod = "close")
  @ConditionalOnMissingBean(Gateway.class)
  public Gateway aigateway(AiGatewayProperties properties, KeyStore keyStore, CredentialResolver credentials,
      Upstream upstream, CreditLedger ledger, UsageLog usageLog, FailoverPolicy policy,
      ObjectProvider<GatewayListener> listeners, DataDirectorySettings state, ListableBeanFactory beans,
      ObjectProvider<TokenCounter> tokenCounter) {
    String redis = properties.getRedis().getUrl();
    Object redisBean = null;
    if (redis != null && !redis.isBlank()) {
      if (!beans.containsBean(REDIS_BEAN)) {
        throw new IllegalStateException("aigateway.redis.url is set, but shared counters require "
            + "dev.aigateway:gateway-redis on the class path (it provides the bean '" + REDIS_BEAN + "')");
      }
      redisBean = beans.getBean(REDIS_BEAN);
      if (beans instanceof ConfigurableListableBeanFactory factory) {
        factory.registerDependentBean(REDIS_BEAN, GATEWAY_BEAN); // the gateway closes first, then Redis
      }
    }
    Gateway.Builder builder = Gateway.builder().keyStore(keyStore).credentialResolver(credentials)
        .upstream(upstream).creditLedger(ledger).usageLog(usageLog).failoverPolicy(policy)
        .listener(CompositeListener.of(listeners.orderedStream().toList()));
    // the application's counter, else o200k_base (two beans without a @Primary one fail the start)
    builder.tokenCounter(tokenCounter.getIfAvailable(O200kTokenCounter::create));
    if (state.corsAllowedOrigins() == null && !properties.getCorsAllowedOrigins().isEmpty()) {
      try { // a list saved through /gateway-config wins over the property
        builder.corsAllowedOrigins(properties.getCorsAllowedOrigins());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(String.valueOf(e.getMessage())
            .replaceFirst("^corsAllowedOrigins", "aigateway.cors-allowed-origins"), e);
      }
    }
    BaseUrlGuard guard = properties.isAllowPrivateUpstreams() ? BaseUrlGuard.syntaxOnly()
        : BaseUrlGuard.publicHttpsOnly(BaseUrlGuard.Resolver.system());
    builder.baseUrlGuard(guard);
    properties.getUpstreams().forEach((provider, url) -> {
      String field = "aigateway.upstreams." + provider;
      if (!ProviderCatalog.builtIn().isKnown(provider)) {
        throw new IllegalStateException(field + ": '" + provider + "' is not a built-in provider");
      }
      guard.check(field, url);
      builder.baseUrl(provider, url);
    });
    if (redisBean != null && present(beans, RedisParts.LIMITS_CLASS)) {
      RedisParts.applyTo(redisBean, builder);
    }
    // a store that keeps the /gateway-config settings (the built-in ones) wins: the gateway starts with them
    Gateway gateway = builder.build();
    // those server.json holds move into the store once, when it holds none yet (else they are applied from there)
    state.moveGatewayConfigTo(gateway);
    return gateway;
  }

  /** The gateway's paths in a servlet application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  static class Surfaces {
    /**
     * {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/responses},
     * {@code /v1/messages} and {@code /v1/models}; other paths go on to the application.
     */
    @Bean(name = FILTER_REGISTRATION)
    @ConditionalOnMissingBean(name = FILTER_REGISTRATION)
    FilterRegistrationBean<SurfaceFilter> aigatewayFilterRegistration(Gateway gateway) {
      FilterRegistrationBean<SurfaceFilter> reg = new FilterRegistrationBean<>(
          new SurfaceFilter(GatewayFilter.create(gateway)));
      reg.setName("aigateway");
      reg.setAsyncSupported(true);
      // a stream that breaks after its first byte is ended through an async dispatch
      reg.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
      reg.addUrlPatterns("/v1/*");
      reg.setOrder(FILTER_ORDER);
      return reg;
    }
  }

  /** With Spring MVC: paths under {@code /v1} that no one maps get the gateway's 404, not the MVC error page. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(SimpleUrlHandlerMapping.class)
  static class UnknownSurfaces {
    @Bean
    @ConditionalOnMissingBean(name = "aigatewayUnknownSurfaceMapping")
    SimpleUrlHandlerMapping aigatewayUnknownSurfaceMapping(Gateway gateway) {
      UnknownSurfaceHandler handler = new UnknownSurfaceHandler(GatewayFront.create(gateway));
      // after every mapping of the application, before the static resources' catch-all (LOWEST_PRECEDENCE - 1)
      return new SimpleUrlHandlerMapping(Map.of("/v1", handler, "/v1/**", handler), Ordered.LOWEST_PRECEDENCE - 2);
    }
  }

  /** The management API under {@code aigateway.admin.path}, and the dashboard's path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnProperty(prefix = "aigateway.admin", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class Management {
    /**
     * {@code aigateway.admin.key}, else env {@code AIGATEWAY_ADMIN_KEY}; the admin API keys of the gateway's
     * store are accepted beside it. When there is neither, one admin API key is generated into the store,
     * printed once to standard output, and only its digest kept.
     */
    @Bean
    @ConditionalOnMissingBean(AdminKeys.class)
    AdminKeys aigatewayAdminKeys(AiGatewayProperties properties, Environment env, DataDirectorySettings state,
        Gateway gateway) {
      String configured = properties.getAdmin().getKey();
      String fromEnv = env.getProperty("AIGATEWAY_ADMIN_KEY");
      return adminKeys(configured, fromEnv, state, gateway, System.out);
    }

    @Bean
    @ConditionalOnMissingBean(name = "aigatewayAdminRegistration")
    ServletRegistrationBean<AdminServlet> aigatewayAdminRegistration(AiGatewayProperties properties, Gateway gateway,
        AdminKeys keys, DataDirectorySettings state) {
      String path = adminPath(properties.getAdmin().getPath());
      ServletRegistrationBean<AdminServlet> reg = new ServletRegistrationBean<>(
          // PATCH /gateway-config saves to the store when it keeps them; else to server.json, both together
          AdminServlet.create(gateway, keys, limits -> state.saveGatewayConfigUnlessStored(limits, gateway)),
          path + "/*");
      reg.setName("aigatewayAdmin");
      return reg;
    }
  }

  static AdminKeys adminKeys(@Nullable String configured, @Nullable String fromEnv, DataDirectorySettings state,
      Gateway gateway, PrintStream out) {
    AdminKeys keys = new AdminKeys();
    boolean fromProperty = configured != null && !configured.isBlank();
    String given = fromProperty ? configured : fromEnv;
    if (given != null && !given.isBlank()) {
      try {
        keys.allowToken(given.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException((fromProperty ? "aigateway.admin.key" : "AIGATEWAY_ADMIN_KEY")
            + ": " + e.getMessage(), e);
      }
    }
    // admin keys generated by earlier versions move from server.json into the store
    state.moveAdminKeysTo(gateway.keyStore());
    String generated = keys.createInitialKeyIfNone(gateway.admin());
    if (generated != null) {
      out.println("aigateway: admin API key (shown once, only its hash is kept): " + generated);
    }
    return keys;
  }

  /** {@code /aigateway}: starts with {@code /}, no trailing {@code /}, no wildcard, not the gateway's /v1. */
  static String adminPath(String path) {
    if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")
        || path.contains("?") || path.contains("#") || path.equals("/v1") || path.startsWith("/v1/")) {
      throw new IllegalStateException("aigateway.admin.path must be a path such as /aigateway (a leading /, "
          + "no trailing /, no wildcard, not under /v1) but was '" + path + "'");
    }
    return path;
  }
}
