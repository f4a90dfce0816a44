package dev.aigateway.spring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code aigateway.*} properties. Each has the default of the design's table; see
 * {@code docs/spring-boot.md}.
 *
 * <pre>
 * aigateway.enabled=true
 * aigateway.data-dir=./aigateway-data
 * aigateway.admin.enabled=true
 * aigateway.admin.path=/aigateway
 * aigateway.admin.key=            # or env AIGATEWAY_ADMIN_KEY; generated and printed once when absent
 * aigateway.upstreams.openai=https://proxy.example.com/v1
 * aigateway.allow-private-upstreams=false
 * aigateway.managed.openai=OPENAI_API_KEY
 * aigateway.store=data-dir        # or jdbc (dev.aigateway:gateway-jdbc)
 * aigateway.redis.url=            # redis://HOST:PORT[/DB] (dev.aigateway:gateway-redis)
 * aigateway.cors-allowed-origins=  # https://app.example.com,... or * (browser clients of /v1; none by default)
 * </pre>
 */
@ConfigurationProperties("aigateway")
public class AiGatewayProperties {
  /** Where resources live. */
  public enum Store {
    /** The embedded store in {@code aigateway.data-dir}. */
    DATA_DIR,
    /** The application's {@code DataSource} (PostgreSQL), through {@code dev.aigateway:gateway-jdbc}. */
    JDBC
  }

  /** Whether the gateway is configured at all; false registers nothing. */
  private boolean enabled = true;
  /** Data directory of the embedded store (created if missing). */
  private Path dataDir = Path.of("aigateway-data");
  private final Admin admin = new Admin();
  /** Base URL overrides of built-in providers, by provider id (openai, anthropic, ...), with the version segment. */
  private Map<String, String> upstreams = new LinkedHashMap<>();
  /** Allow http and loopback or private base URLs (the SSRF guard off for them). */
  private boolean allowPrivateUpstreams;
  /** Managed credentials: provider id to the name of the environment variable that holds the secret. */
  private Map<String, String> managed = new LinkedHashMap<>();
  /** Where resources live: data-dir, or jdbc (needs dev.aigateway:gateway-jdbc). */
  private Store store = Store.DATA_DIR;
  private final Redis redis = new Redis();
  /**
   * Browser origins allowed to call /v1 (CORS): scheme://host[:port] each, or *. Used until a PATCH of
   * /gateway-config (of any field) saves the configuration in the store, whose list then wins.
   */
  private List<String> corsAllowedOrigins = new ArrayList<>();

  /** Whether the gateway is configured at all; {@code false} registers nothing. Default {@code true}. */
  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** Data directory of the embedded store (created if missing). Default {@code ./aigateway-data}. */
  public Path getDataDir() {
    return dataDir;
  }

  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Admin getAdmin() {
    return admin;
  }

  /** Base URL overrides of built-in providers, by provider id ({@code openai}, {@code anthropic}, ...). */
  public Map<String, String> getUpstreams() {
    return upstreams;
  }

  public void setUpstreams(Map<String, String> upstreams) {
    this.upstreams = upstreams;
  }

  /** Allow loopback and private base URLs (the SSRF guard off for them). Default {@code false}. */
  public boolean isAllowPrivateUpstreams() {
    return allowPrivateUpstreams;
  }

  public void setAllowPrivateUpstreams(boolean allowPrivateUpstreams) {
    this.allowPrivateUpstreams = allowPrivateUpstreams;
  }

  /** Managed credentials: provider id to the name of the environment variable that holds the secret. */
  public Map<String, String> getManaged() {
    return managed;
  }

  public void setManaged(Map<String, String> managed) {
    this.managed = managed;
  }

  /** {@code data-dir} (default) or {@code jdbc}. */
  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public Redis getRedis() {
    return redis;
  }

  /**
   * The browser origins allowed to call the {@code /v1} surfaces (CORS), each {@code scheme://host[:port]} or
   * {@code *}; the starting value of {@code /gateway-config}'s {@code corsAllowedOrigins} until a list is saved
   * there. Default: none (CORS off).
   */
  public List<String> getCorsAllowedOrigins() {
    return corsAllowedOrigins;
  }

  public void setCorsAllowedOrigins(List<String> corsAllowedOrigins) {
    this.corsAllowedOrigins = corsAllowedOrigins;
  }

  /** {@code aigateway.admin.*}: the management API. */
  public static class Admin {
    /** Whether the management API (and the dashboard's path) is served. */
    private boolean enabled = true;
    /** Where the management API is served (/aigateway/access-keys, /aigateway/dashboard). */
    private String path = "/aigateway";
    /** The admin key (16 characters or more); else env AIGATEWAY_ADMIN_KEY, else one generated and printed once. */
    private @Nullable String key;

    /** Whether the management API is served. Default {@code true}. */
    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** Where the management API is served ({@code /aigateway/access-keys}, ...). Default {@code /aigateway}. */
    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }

    /** The admin key; when absent, env {@code AIGATEWAY_ADMIN_KEY}, else one generated and printed once. */
    public @Nullable String getKey() {
      return key;
    }

    public void setKey(@Nullable String key) {
      this.key = key;
    }

    @Override
    public String toString() {
      return "Admin[enabled=" + enabled + ", path=" + path + ", key=" + (key == null ? "none" : "***") + "]";
    }
  }

  /** {@code aigateway.redis.*}: shared counters. */
  public static class Redis {
    /** redis://HOST:PORT[/DB] for shared counters (needs dev.aigateway:gateway-redis). */
    private @Nullable String url;

    /** {@code redis://HOST:PORT[/DB]}; needs {@code dev.aigateway:gateway-redis}. Default none. */
    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    @Override
    public String toString() {
      return "Redis[url=" + (url == null ? "none" : "set") + "]";
    }
  }

  @Override
  public String toString() {
    return "AiGatewayProperties[enabled=" + enabled + ", dataDir=" + dataDir + ", admin=" + admin + ", upstreams="
        + upstreams.keySet() + ", allowPrivateUpstreams=" + allowPrivateUpstreams + ", managed=" + managed
        + ", store=" + store + ", redis=" + redis + ", corsAllowedOrigins=" + corsAllowedOrigins + "]";
  }
}
