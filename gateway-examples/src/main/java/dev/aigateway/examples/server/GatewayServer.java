package dev.aigateway.examples.server;

import dev.aigateway.config.ConfigurationJson;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.store.DataDirectorySettings;
import dev.aigateway.store.DataDirectoryCreditLedger;
import dev.aigateway.store.DataDirectoryUsageLog;
import dev.aigateway.store.DataDirectoryKeyStore;
import dev.aigateway.jdbc.JdbcCreditLedger;
import dev.aigateway.jdbc.JdbcKeyStore;
import dev.aigateway.jdbc.JdbcUsageLog;
import dev.aigateway.redis.RedisLimits;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.tokenizer.O200kTokenCounter;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsageLog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

/**
 * The runnable gateway server: the gateway surface ({@code /v1/...}) and the management API on one port
 * (Jetty 12 through {@code gateway-servlet}, see {@link JettyFront}), a data directory that survives
 * restarts, and a {@code --demo} that shows a failover without any real provider key.
 *
 * <pre>java -jar gateway-examples/target/gateway-server.jar [--port 8080] [--host 127.0.0.1]
 *     [--data ./aigateway-data] [--upstream PROVIDER=URL]... [--allow-private-upstreams]
 *     [--managed PROVIDER=ENVVAR]... [--demo] [--threads N] [--gateway-threads N] [--max-connections N]
 *     [--idle-timeout S] [--header-timeout S] [--max-header-bytes N] [--database JDBC-URL] [--redis URL]</pre>
 */
public final class GatewayServer implements AutoCloseable {
  static final String USAGE = """
      usage: java -jar gateway-server.jar [options]
        --port N                    listen port; 0 picks a free one (default 8080)
        --host H                    bind address (default 127.0.0.1)
        --data DIR                  data directory, created if missing (default ./aigateway-data)
        --upstream PROVIDER=URL     override a built-in provider's base URL (repeatable)
        --allow-private-upstreams   allow loopback/private base URLs (refused otherwise)
        --managed PROVIDER=ENVVAR   managed credential for a built-in provider, from that env var (repeatable)
        --demo                      start simulated providers, provision a demo key, show a failover
        --threads N                 container threads: routing, model list, management API (default 200)
        --gateway-threads N         gateway requests and streams in flight; more get 503 (default 512)
        --max-connections N         open connections; at the limit idle ones are closed (default 10000)
        --idle-timeout S            seconds to wait for a silent client (default 30)
        --header-timeout S          seconds a new connection has to send its request headers (default 10)
        --max-header-bytes N        largest request header block; more is answered 431 (default 65536)
        --database URL              jdbc:postgresql://HOST:PORT/DB?user=U&password=P: the store, credits and usage
                                    shared by many servers, instead of the data directory's (which keeps server.json)
        --redis URL                 redis://HOST:PORT[/DB]: per-key limits, budgets and cooldowns shared by servers
      environment: AIGATEWAY_ADMIN_KEY (an admin token accepted as given, not listed in /api-keys),
                   AIGATEWAY_MASTER_KEY (base64, 32 bytes: seals provider keys)""";

  private final Server server;
  /** Closes the store: the data directory's, or the shared PostgreSQL one ({@code --database}). */
  private final AutoCloseable closeStore;
  private final @Nullable RedisLimits redis;
  /** Closes the credit ledger (writes pending charges): the data directory's, or the shared one. */
  private final AutoCloseable ledger;
  /** Closes the usage log (writes queued events): the data directory's, or the shared one. */
  private final AutoCloseable usage;
  private final Gateway gateway;
  private final @Nullable DemoProviders demo;
  private final String url;

  private GatewayServer(Server server, AutoCloseable closeStore, @Nullable RedisLimits redis,
      AutoCloseable ledger, AutoCloseable usage, Gateway gateway, @Nullable DemoProviders demo,
      String url) {
    this.server = server;
    this.closeStore = closeStore;
    this.redis = redis;
    this.ledger = ledger;
    this.usage = usage;
    this.gateway = gateway;
    this.demo = demo;
    this.url = url;
  }

  public static void main(String[] args) {
    GatewayServer s = launch(args, System.getenv(), System.out, System.err, System::exit);
    if (s == null) {
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("shutting down: finishing requests in flight");
      s.close();
    }, "aigateway-shutdown"));
  }

  /**
   * {@link #start}, or, when it cannot start, a one-line {@code error: ...} on {@code err} and {@code exit} called
   * with 2 (bad flags, with the usage) or 1 (anything else); {@code --help} prints the usage on {@code out} and
   * exits with 0. Answers null when it did not start.
   */
  static @Nullable GatewayServer launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
      IntConsumer exit) {
    try {
      return start(args, env, out);
    } catch (HelpRequested e) {
      out.println(USAGE);
      exit.accept(0);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      exit.accept(2);
    } catch (IllegalStateException | IOException | UncheckedIOException | GatewayException e) {
      err.println("error: " + e.getMessage());
      exit.accept(1);
    }
    return null;
  }

  /** The gateway's base URL ({@code http://HOST:PORT}). */
  public String url() {
    return url;
  }

  public Gateway gateway() {
    return gateway;
  }

  /**
   * Parses the flags, opens the data directory, starts listening; prints {@code listening on ...}.
   *
   * @throws UncheckedIOException when the data directory cannot be opened
   * @throws IOException when the port cannot be bound
   */
  public static GatewayServer start(String[] args, Map<String, String> env, PrintStream out) throws IOException {
    Options o = Options.parse(args);
    // the server's own state first: it carries over what older versions kept in store.log
    DataDirectorySettings state = DataDirectorySettings.open(o.data);
    KeyStore store;
    AutoCloseable closeStore;
    JdbcKeyStore shared = null;
    if (o.database != null) {
      // the master key seals provider secrets: the same on every server sharing the database
      try {
        shared = JdbcKeyStore.open(o.database, env.get("AIGATEWAY_MASTER_KEY"), o.data.resolve("master.key"));
      } catch (RuntimeException e) { // unreachable, refused, a bad master key: one line, never the URL (a password)
        throw new IllegalStateException("--database: cannot open the store: " + rootMessage(e), e);
      }
      store = shared;
      closeStore = shared;
    } else {
      DataDirectoryKeyStore local = DataDirectoryKeyStore.open(o.data, env.get("AIGATEWAY_MASTER_KEY"));
      store = local;
      closeStore = local;
    }
    // credits and usage where the store is: in the data directory, or on the store's database (its pool)
    CreditLedger ledger;
    AutoCloseable closeLedger;
    RedisLimits redis = null;
    try {
      if (shared != null) {
        JdbcCreditLedger l = JdbcCreditLedger.builder().dataSource(shared.dataSource()).schema(shared.schema())
            .build();
        ledger = l;
        closeLedger = l;
      } else {
        DataDirectoryCreditLedger l = DataDirectoryCreditLedger.open(o.data);
        ledger = l;
        closeLedger = l;
      }
    } catch (RuntimeException e) {
      closeQuietly(closeStore, "the store");
      throw e;
    }
    UsageLog usage;
    AutoCloseable closeUsage;
    try {
      if (shared != null) {
        JdbcUsageLog u = JdbcUsageLog.builder().dataSource(shared.dataSource()).schema(shared.schema()).build();
        usage = u;
        closeUsage = u;
      } else {
        DataDirectoryUsageLog u = DataDirectoryUsageLog.open(o.data);
        usage = u;
        closeUsage = u;
      }
    } catch (RuntimeException e) {
      closeQuietly(closeLedger, "the credit ledger");
      closeQuietly(closeStore, "the store");
      throw e;
    }
    try {
      Map<String, String> managedVars = new LinkedHashMap<>(o.managed);
      // safe: managedFromEnv takes a Function<String, @Nullable String> and skips unset variables; NullAway 0.12
      // does not read that type argument's @Nullable from gateway-core's class files
      @SuppressWarnings("NullAway")
      CredentialResolver credentials = CredentialResolver.managedFromEnv(managedVars, env::get);
      Gateway.Builder builder = Gateway.builder().keyStore(store).credentialResolver(credentials).creditLedger(ledger)
          .usageLog(usage)
          .tokenCounter(O200kTokenCounter.create()) // set, not left to ServiceLoader: a repackaged jar stays exact
          .upstream(o.allowPrivate ? OkHttpUpstream.create()
              : OkHttpUpstream.publicAddressesOnly(OkHttpUpstream.defaultClient()));
      BaseUrlGuard guard = o.allowPrivate ? BaseUrlGuard.syntaxOnly()
          : BaseUrlGuard.publicHttpsOnly(BaseUrlGuard.Resolver.system());
      builder.baseUrlGuard(guard);
      if (o.redis != null) {
        redis = RedisLimits.fromUrl(o.redis);
        redis.applyTo(builder);
      }
      for (Map.Entry<String, String> e : o.upstreams.entrySet()) {
        guard.check("--upstream " + e.getKey(), e.getValue());
        builder.baseUrl(e.getKey(), e.getValue());
      }
      DemoProviders demo = null;
      if (o.demo) {
        demo = new DemoProviders();
        builder.baseUrl("openai", demo.openAiBaseUrl()).baseUrl("anthropic", demo.anthropicBaseUrl());
      }
      // the limits and account settings are the store's (shared with --database); built with the ones it keeps
      Gateway gateway = builder.build();
      // those an earlier version saved in server.json move into the store once, when it holds none yet
      state.moveGatewayConfigTo(gateway);

      AdminKeys adminKeys = new AdminKeys();
      String adminEnv = env.get("AIGATEWAY_ADMIN_KEY");
      if (adminEnv != null && !adminEnv.isBlank()) {
        adminKeys.allowToken(adminEnv.trim());
      }
      // admin keys generated by earlier versions move from server.json into the store (shared with --database)
      state.moveAdminKeysTo(gateway.keyStore());
      String generated = adminKeys.createInitialKeyIfNone(gateway.admin());
      if (generated != null) {
        out.println("admin API key (shown once, only its hash is kept): " + generated);
      }

      // PATCH /gateway-config saves to the store; the saver would keep them in server.json for a store that does not
      Server server = JettyFront.create(o.host, o.port, o.limits(), gateway, adminKeys,
          limits -> state.saveGatewayConfigUnlessStored(limits, gateway));
      try {
        server.start();
      } catch (IOException e) {
        stopQuietly(server);
        throw new IOException("cannot listen on " + o.host + ":" + o.port + " (--host, --port): " + e.getMessage(), e);
      } catch (Exception e) {
        stopQuietly(server);
        throw new IOException("cannot start the server on " + o.host + ":" + o.port + ": " + e.getMessage(), e);
      }
      String host = o.host.contains(":") ? "[" + o.host + "]" : o.host;
      String url = "http://" + host + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      out.println("listening on " + url);
      out.println("data directory: " + o.data.toAbsolutePath());
      if (o.database != null) {
        out.println("store: PostgreSQL (shared)");
        out.println("credits and usage: PostgreSQL (shared)");
      }
      if (o.redis != null) {
        out.println("limits and cooldowns: Redis (shared)");
      }
      GatewayServer s = new GatewayServer(server, closeStore, redis, closeLedger, closeUsage, gateway, demo, url);
      if (demo != null) {
        s.runDemo(demo, out);
      }
      return s;
    } catch (IOException | RuntimeException e) {
      closeQuietly(closeUsage, "the usage log");
      closeQuietly(closeLedger, "the credit ledger");
      if (redis != null) {
        redis.close();
      }
      closeQuietly(closeStore, "the store");
      throw e;
    }
  }

  private void runDemo(DemoProviders demo, PrintStream out) {
    GatewayAdmin admin = gateway.admin();
    // The demo's own resources, found by their exact names, are reused and brought back to the demo's definition
    // (never deleted and made again), so a key of yours linked to the demo configuration stays valid; only the
    // demo's access key is replaced, as its token is shown once. Nothing else in the data directory is touched.
    String limited = demoProviderKey(admin, "openai", "demo-primary", "sk-demo-rate-limited-0000");
    String healthy = demoProviderKey(admin, "openai", "demo-backup", "sk-demo-healthy-00000000");
    demoProviderKey(admin, "anthropic", "demo-anthropic", "sk-ant-demo-healthy-0000");
    AccessKeyConfiguration definition = ConfigurationJson.parseCreate("{\"name\":\"" + DEMO_CONFIGURATION + "\","
        + "\"access\":{\"providers\":{\"allow\":[\"openai\",\"anthropic\"]}},"
        + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"ordered\","
        + "\"keys\":[{\"id\":\"" + limited + "\"},{\"id\":\"" + healthy + "\"}]}]}]}}");
    String existing = null;
    for (AccessKeyConfiguration c : gateway.keyStore().configurations()) {
      if (DEMO_CONFIGURATION.equals(c.name())) {
        existing = c.id();
        break;
      }
    }
    AccessKeyConfiguration saved = existing == null ? admin.configurations().create(definition)
        : admin.configurations().update(existing, ConfigurationChange.builder().name(DEMO_CONFIGURATION)
            .access(definition.access()).rules(definition.rules()).limits(null).build());
    String config = Objects.requireNonNull(saved.id(), "id"); // stored, so it has one
    for (AccessKey k : gateway.keyStore().accessKeys(null, Integer.MAX_VALUE)) {
      if ("demo".equals(k.name()) && config.equals(k.configurationId())) {
        admin.accessKeys().delete(k.id());
      }
    }
    String token = admin.accessKeys().create(AccessKeyChange.builder().name("demo").configurationId(config).build())
        .token();
    out.println();
    out.println("demo: simulated OpenAI and Anthropic providers at " + demo.openAiBaseUrl() + " and "
        + demo.anthropicBaseUrl());
    out.println("demo: access key (shown once): " + token);
    out.println("demo: try it:");
    out.println("  curl -s " + url + "/v1/chat/completions -H 'Authorization: Bearer " + token + "' \\");
    out.println("    -H 'Content-Type: application/json' -d '{\"model\":\"gpt-4o\",\"messages\":"
        + "[{\"role\":\"user\",\"content\":\"Hello\"}]}' -i");
    out.println("demo: dashboard: " + url + "/dashboard/ (sign in with the admin API key)");
    out.println();
    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"));
    out.println("demo: the plan for one request");
    plan.explain().lines().forEach(l -> out.println("  " + l));
    try (GatewayResponse r = gateway.execute(plan)) {
      out.println("demo: what happened");
      for (AttemptRecord a : r.attempts()) {
        out.println("  attempt " + a.attemptNumber() + ": " + a.provider() + "/" + a.model() + " with "
            + (a.providerKeyId() == null ? "managed credential" : a.providerKeyId()) + " -> " + a.statusCode() + " "
            + a.retryAction().json());
      }
      out.println("  served by " + r.provider() + "/" + r.model() + ": " + r.bodyString());
    } catch (java.io.UncheckedIOException e) {
      out.println("demo: reading the response failed: " + e.getMessage());
    }
    out.println();
  }
  private static final String DEMO_CONFIGURATION = "Demo: OpenAI with failover";

  /** The demo's provider key of that name (its value set again), or a new one; answers its id. */
  private String demoProviderKey(GatewayAdmin admin, String providerId, String name, String value) {
    for (ProviderKey k : gateway.keyStore().providerKeys()) {
      if (name.equals(k.name()) && providerId.equals(k.providerId())) {
        return admin.providerKeys().rotate(k.id(), name, SecretValue.of(value)).id();
      }
    }
    return admin.providerKeys().create(ProviderKeyChange.builder().providerId(providerId).name(name).value(value)
        .build()).id();
  }


  /**
   * Stops taking requests, lets those in flight finish (up to 10 s), then stops the server and writes what the
   * usage log and the credit ledger hold pending (to the data directory, or the database).
   */
  @Override
  public void close() {
    stopQuietly(server);
    if (demo != null) {
      demo.close();
    }
    closeQuietly(usage, "the usage log"); // writes the pending usage events
    closeQuietly(ledger, "the credit ledger"); // writes the pending credit charges
    if (redis != null) {
      redis.close();
    }
    closeQuietly(closeStore, "the store");
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("closing " + what + ": " + e.getMessage());
    }
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("stopping the server: " + e.getMessage());
    }
  }

  /** The innermost cause's message (a pool's failure wraps the driver's), or its class when it has none. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    for (int i = 0; i < 10 && t.getCause() != null && t.getCause() != t; i++) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** A flag the server does not understand. */
  static class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** {@code --help}: the usage, and nothing started. */
  static final class HelpRequested extends UsageException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help");
    }
  }

  /** Parsed command-line flags (DESIGN §6). */
  static final class Options {
    int port = 8080;
    String host = "127.0.0.1";
    Path data = Path.of("aigateway-data");
    final Map<String, String> upstreams = new LinkedHashMap<>();
    final Map<String, String> managed = new LinkedHashMap<>();
    boolean allowPrivate;
    boolean demo;
    int threads = JettyFront.Limits.defaults().threads();
    int gatewayThreads = JettyFront.Limits.defaults().gatewayThreads();
    int maxConnections = JettyFront.Limits.defaults().maxConnections();
    Duration idleTimeout = JettyFront.Limits.defaults().idleTimeout();
    Duration headerTimeout = JettyFront.Limits.defaults().headerTimeout();
    int maxHeaderBytes = JettyFront.Limits.defaults().maxHeaderBytes();
    @Nullable String database;
    @Nullable String redis;

    JettyFront.Limits limits() {
      return new JettyFront.Limits(threads, gatewayThreads, maxConnections, idleTimeout, headerTimeout,
          maxHeaderBytes);
    }

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--port" -> {
            String v = value(args, ++i, a);
            try {
              o.port = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              throw new UsageException("--port must be a number from 0 to 65535 but was '" + v + "'");
            }
            if (o.port < 0 || o.port > 65535) {
              throw new UsageException("--port must be a number from 0 to 65535 but was " + o.port);
            }
          }
          case "--host" -> o.host = value(args, ++i, a);
          case "--data" -> o.data = Path.of(value(args, ++i, a));
          case "--upstream" -> {
            String[] kv = pair(value(args, ++i, a), a);
            o.upstreams.put(kv[0], kv[1]);
          }
          case "--managed" -> {
            String[] kv = pair(value(args, ++i, a), a);
            o.managed.put(kv[0], kv[1]);
          }
          case "--allow-private-upstreams" -> o.allowPrivate = true;
          case "--demo" -> o.demo = true;
          case "--threads" -> o.threads = number(args, ++i, a, 8, 10_000);
          case "--gateway-threads" -> o.gatewayThreads = number(args, ++i, a, 1, 100_000);
          case "--max-connections" -> o.maxConnections = number(args, ++i, a, 1, 1_000_000);
          case "--idle-timeout" -> o.idleTimeout = Duration.ofSeconds(number(args, ++i, a, 1, 86_400));
          case "--header-timeout" -> o.headerTimeout = Duration.ofSeconds(number(args, ++i, a, 1, 3_600));
          case "--max-header-bytes" -> o.maxHeaderBytes = number(args, ++i, a, 1024, 1 << 20);
          case "--database" -> {
            o.database = value(args, ++i, a);
            if (!o.database.startsWith("jdbc:postgresql:")) {
              throw new UsageException("--database must be a jdbc:postgresql: URL");
            }
          }
          case "--redis" -> {
            o.redis = value(args, ++i, a);
            if (!o.redis.startsWith("redis://") && !o.redis.startsWith("rediss://")) {
              throw new UsageException("--redis must be a redis:// URL");
            }
          }
          case "--help", "-h" -> throw new HelpRequested();
          default -> throw new UsageException("unknown option '" + a + "'");
        }
      }
      for (String p : o.upstreams.keySet()) {
        if (!dev.aigateway.catalog.ProviderCatalog.builtIn().isKnown(p)) {
          throw new UsageException("--upstream: '" + p + "' is not a built-in provider");
        }
      }
      for (String p : o.managed.keySet()) {
        if (!dev.aigateway.catalog.ProviderCatalog.builtIn().isKnown(p)) {
          throw new UsageException("--managed: '" + p + "' is not a built-in provider");
        }
      }
      return o;
    }

    private static int number(String[] args, int i, String flag, int min, int max) {
      String v = value(args, i, flag);
      int n;
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new UsageException(flag + " must be a number from " + min + " to " + max + " but was '" + v + "'");
      }
      if (n < min || n > max) {
        throw new UsageException(flag + " must be a number from " + min + " to " + max + " but was " + n);
      }
      return n;
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length || args[i].startsWith("--")) {
        throw new UsageException(flag + " needs a value");
      }
      return args[i];
    }

    private static String[] pair(String v, String flag) {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) {
        throw new UsageException(flag + " takes PROVIDER=VALUE but was '" + v + "'");
      }
      return new String[] {v.substring(0, eq), v.substring(eq + 1)};
    }
  }
}
