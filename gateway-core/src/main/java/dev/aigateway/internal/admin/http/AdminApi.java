package dev.aigateway.internal.admin.http;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.GatewayAdmin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API without a server: checks the admin key ({@code Authorization: Bearer aigak_...}: a
 * token configured in {@link AdminKeys} or an admin API key of the gateway's store, see {@code AdminAuth}),
 * reads the body (at most 1 MiB), dispatches on the first path segment to the route that serves it and
 * turns every refusal into the admin error shape {@code {"errorCode","statusCode","msg","details"}}. An
 * HTTP adapter passes the request in and writes the {@link AdminResponse} out. Thread-safe.
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final int MAX_BODY = 1 << 20;

  private final AdminKeys keys;
  private final AdminAuth auth;
  private final AdminCodec codec;
  private final Map<String, AdminRoute> routes;

  private AdminApi(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver,
      @Nullable Consumer<Gateway.AccountSettings> settingsSaver) {
    this.keys = keys;
    this.auth = new AdminAuth(keys, gateway.keyStore(), gateway.clock());
    this.codec = new AdminCodec(gateway.keyStore());
    GatewayAdmin admin = gateway.admin();
    this.routes = Map.of(
        "api-keys", new AdminKeyRoute(admin.adminKeys(), keys, codec),
        "access-keys", new AccessKeyRoute(admin.accessKeys(), codec),
        "access-key-configurations", new ConfigurationRoute(admin.configurations(), codec),
        "provider-keys", new ProviderKeyRoute(admin.providerKeys(), codec),
        "providers", new ProviderRoute(admin.providers(), codec),
        "virtual-models", new VirtualModelRoute(admin.virtualModels(), codec),
        "gateway-config", new GatewayConfigRoute(gateway, codec, limitsSaver, settingsSaver),
        "usage", new UsageRoute(gateway, codec),
        "credits", new CreditRoute(gateway, codec));
  }

  /**
   * The management API of {@code gateway}, authorized by the tokens configured in {@code keys} and the admin API
   * keys in the gateway's store.
   *
   * @param limitsSaver called after {@code PATCH /gateway-config} changed the limits (to persist them), or null
   */
  public static AdminApi create(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver) {
    return create(gateway, keys, limitsSaver, null);
  }

  /**
   * The management API of {@code gateway}, authorized by the tokens configured in {@code keys} and the admin API
   * keys in the gateway's store.
   *
   * @param limitsSaver called after {@code PATCH /gateway-config} changed the limits (to persist them), or null
   * @param settingsSaver called when {@code PATCH /gateway-config} changes the account settings, before they
   *     take effect (to persist them; a saver that throws leaves them unchanged), or null
   */
  public static AdminApi create(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver,
      @Nullable Consumer<Gateway.AccountSettings> settingsSaver) {
    return new AdminApi(Objects.requireNonNull(gateway, "gateway"), Objects.requireNonNull(keys, "keys"),
        limitsSaver, settingsSaver);
  }

  /**
   * Answers one request. The body is read only once the admin key is accepted.
   *
   * @param rawPath the path, still percent-encoded, relative to where the API is mounted
   * @param rawQuery the query string, still percent-encoded, or null
   * @param authorization the {@code Authorization} header, or null
   * @param body the request body; read to its end and closed
   * @throws IOException when the body cannot be read
   */
  public AdminResponse handle(String method, String rawPath, @Nullable String rawQuery,
      @Nullable String authorization, InputStream body) throws IOException {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    Objects.requireNonNull(body, "body");
    try {
      List<String> segments = segments(rawPath);
      if (segments.isEmpty()) {
        throw AdminRequest.noSuchEndpoint();
      }
      if (!auth.verify(bearer(authorization))) {
        throw new GatewayException(ErrorCode.INVALID_ACCESS_KEY, "A valid admin API key is required.");
      }
      byte[] bytes = read(body);
      AdminRequest request = new AdminRequest(method, segments, query(rawQuery), bytes);
      AdminRoute route = routes.get(segments.get(0));
      if (route == null) {
        throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint /" + segments.get(0) + ".");
      }
      return route.handle(request);
    } catch (GatewayException e) {
      String status = e.details().get(AdminRequest.STATUS_DETAIL);
      return error(e, status != null ? Integer.parseInt(status) : e.status());
    } catch (RuntimeException e) {
      LOG.error("management request failed", e);
      return error(new GatewayException(ErrorCode.ALL_PROVIDERS_FAILED, "Internal error."), 500);
    }
  }

  private AdminResponse error(GatewayException e, int status) {
    return AdminResponse.of(status, codec.error(e, status));
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/", -1)) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static @Nullable String bearer(@Nullable String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  private static byte[] read(InputStream body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (InputStream in = body) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        if (out.size() > MAX_BODY) {
          throw new GatewayException(ErrorCode.REQUEST_TOO_LARGE, "Request body is larger than 1 MiB.");
        }
      }
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "AdminApi[" + keys + "]";
  }
}
