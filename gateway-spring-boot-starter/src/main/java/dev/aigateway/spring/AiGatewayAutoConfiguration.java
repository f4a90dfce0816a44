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
import dev.aigateway.store.DataDirectoryCreditLedger;
import dev.aigateway.store.DataDirectorySettings;
import dev.aigateway.store.DataDirectoryKeyStore;
import jakarta.servlet.DispatcherType;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
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
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The gateway in a Spring Boot application (DESIGN §10): a {@link Gateway} built from beans the application
 * may replace ({@link KeyStore}, {@link CredentialResolver}, {@link Upstream}, {@link CreditLedger},
 * {@link FailoverPolicy}; every {@link GatewayListener} bean is told every event), served at {@code /v1/*} of
 * the application by a filter that leaves the application's own routes alone, and the management API under
 * {@code aigateway.admin.path}. Configured by {@link AiGatewayProperties}; {@code aigateway.enabled=false}
 * registers nothing.
 *
 * <p>Seams for modules that bring their own parts: {@code dev.aigateway:gateway-jdbc} provides the
 * {@link KeyStore} (and {@link CreditLedger}) bean for {@code aigateway.store=jdbc} from an auto-configuration
 * ordered before this one; {@code dev.aigateway:gateway-redis} registers a bean named {@value #REDIS_BEAN}
 * for {@code aigateway.redis.url}; {@code dev.aigateway:gateway-micrometer} provides a {@link GatewayListener}
 * bean. The dashboard is served by the management API's servlet at {@code <admin.path>/dashboard/}.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "aigateway", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AiGatewayProperties.class)
public class AiGatewayAutoConfiguration {
  /** The name of the bean that marks the shared counters of {@code gateway-redis} as present. */
  public static final String REDIS_BEAN = "aigatewayRedis";
  /** The name of the registration of the filter that serves {@code /v1/*}. */
  public static final String FILTER_REGISTRATION = "aigatewayFilterRegistration";
  /**
   * Where the gateway's filter runs in the application's chain: after Spring's character-encoding and
   * observation filters, before Spring Security's chain ({@code -100}), whose session or login rules are not
   * meant for access keys.
   */
  public static final int FILTER_ORDER = -110;

  /** The embedded store in {@code aigateway.data-dir}, master key from env {@code AIGATEWAY_MASTER_KEY}. */
  @Bean
  @ConditionalOnMissingBean(KeyStore.class)
  public KeyStore aigatewayKeyStore(AiGatewayProperties properties, Environment env) {
    if (properties.getStore() == AiGatewayProperties.Store.JDBC) {
      throw new IllegalStateException("aigateway.store=jdbc requires dev.aigateway:gateway-jdbc on the class path "
          + "(its auto-configuration provides the KeyStore on the application's DataSource), or a KeyStore bean "
          + "of the application's own");
    }
    return DataDirectoryKeyStore.open(properties.getDataDir(), env.getProperty("AIGATEWAY_MASTER_KEY"));
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
   * The account's credits, in the data directory ({@code credits.log}); enforced only when
   * {@code /gateway-config} turns {@code creditsEnforced} on. Closed (pending charges written) on shutdown.
   */
  @Bean
  @ConditionalOnMissingBean(CreditLedger.class)
  public CreditLedger aigatewayCreditLedger(AiGatewayProperties properties) {
    return DataDirectoryCreditLedger.open(properties.getDataDir());
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
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Gateway.class)
  public Gateway aigateway(AiGatewayProperties properties, KeyStore keyStore, CredentialResolver credentials,
      Upstream upstream, CreditLedger ledger, FailoverPolicy policy, ObjectProvider<GatewayListener> listeners,
      DataDirectorySettings state, ListableBeanFactory beans, ObjectProvider<TokenCounter> tokenCounter) {
    String redis = properties.getRedis().getUrl();
    if (redis != null && !redis.isBlank() && !beans.containsBean(REDIS_BEAN)) {
      throw new IllegalStateException("aigateway.redis.url is set, but shared counters require "
          + "dev.aigateway:gateway-redis on the class path (its auto-configuration provides the bean '"
          + REDIS_BEAN + "')");
    }
    Gateway.AccountSettings settings = state.accountSettings();
    Gateway.Builder builder = Gateway.builder().keyStore(keyStore).credentialResolver(credentials)
        .upstream(upstream).creditLedger(ledger).failoverPolicy(policy)
        .accountSettings(settings != null ? settings : Gateway.AccountSettings.defaults())
        .listener(CompositeListener.of(listeners.orderedStream().toList()));
    tokenCounter.ifAvailable(builder::tokenCounter); // two without a @Primary one fail the start
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
    Gateway gateway = builder.build();
    Gateway.Limits saved = state.limits(gateway.limits());
    if (saved != null) {
      gateway.updateLimits(saved);
    }
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
     * {@code aigateway.admin.key}, else env {@code AIGATEWAY_ADMIN_KEY}, and the keys generated before; when
     * there is none, one is generated, printed once to standard output, and only its digest kept.
     */
    @Bean
    @ConditionalOnMissingBean(AdminKeys.class)
    AdminKeys aigatewayAdminKeys(AiGatewayProperties properties, Environment env, DataDirectorySettings state) {
      String configured = properties.getAdmin().getKey();
      String fromEnv = env.getProperty("AIGATEWAY_ADMIN_KEY");
      return adminKeys(configured, fromEnv, state, System.out);
    }

    @Bean
    @ConditionalOnMissingBean(name = "aigatewayAdminRegistration")
    ServletRegistrationBean<AdminServlet> aigatewayAdminRegistration(AiGatewayProperties properties, Gateway gateway,
        AdminKeys keys, DataDirectorySettings state) {
      String path = adminPath(properties.getAdmin().getPath());
      ServletRegistrationBean<AdminServlet> reg = new ServletRegistrationBean<>(
          // PATCH /gateway-config applies the account settings, then saves the limits: both are saved together
          AdminServlet.create(gateway, keys, limits -> state.saveGatewayConfig(limits, gateway.accountSettings())),
          path + "/*");
      reg.setName("aigatewayAdmin");
      return reg;
    }
  }

  static AdminKeys adminKeys(@Nullable String configured, @Nullable String fromEnv, DataDirectorySettings state,
      PrintStream out) {
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
    for (byte[] digest : state.adminKeyDigests()) {
      keys.allowDigest(digest);
    }
    if (keys.isEmpty()) {
      String token = AdminKeys.newToken();
      state.addAdminKey(token.substring(0, token.indexOf('_', 6)), keys.digestOf(token), Instant.now());
      keys.allowToken(token);
      out.println("aigateway: admin API key (shown once, only its hash is kept): " + token);
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
