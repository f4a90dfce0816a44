package dev.aigateway.httpserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.internal.dashboard.DashboardAssets;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The management API over HTTP, with the reference's paths and JSON shapes: {@code /access-keys},
 * {@code /access-key-configurations}, {@code /provider-keys} (+ {@code POST /provider-keys/{id}/rotate}),
 * {@code /providers}, {@code /virtual-models}, {@code /gateway-config}, {@code /usage/requests/{id}} and
 * {@code /credits/balance}; and the operator dashboard at {@code /dashboard} (see {@link DashboardHttpHandler}),
 * whose page signs in with an admin key and calls these paths. Authorized by an admin key
 * ({@code Authorization: Bearer aigak_...}); an access key is refused (the dashboard's static files need none).
 * Errors: {@code {"errorCode","statusCode","msg","details":{}}}. A thin layer over {@link GatewayAdmin}: this
 * class only carries the exchange to the server-independent API and back. Mount it at the server's root.
 */
public final class AdminHttpHandler implements HttpHandler {
  private final AdminApi api;
  private final AdminKeys keys;
  private final DashboardAssets dashboard = DashboardAssets.get();

  private AdminHttpHandler(AdminApi api, AdminKeys keys) {
    this.api = api;
    this.keys = keys;
  }

  /**
   * The management API of {@code gateway} as a handler, authorized by {@code keys}.
   *
   * @param limitsSaver called after {@code PATCH /gateway-config} changed the limits (to persist them), or null
   */
  public static AdminHttpHandler create(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(keys, "keys");
    return new AdminHttpHandler(AdminApi.create(gateway, keys, limitsSaver), keys);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (BoundedExecutor.isOverflow()) {
      // every handler thread is busy (see GatewayHttpHandler.newExecutor): answer at once
      exchange.getResponseHeaders().set("Retry-After", "1");
      exchange.getResponseHeaders().set("Connection", "close");
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    String path = exchange.getRequestURI().getRawPath();
    if (path.equals(DashboardAssets.MOUNT) || path.startsWith(DashboardAssets.MOUNT + "/")) {
      DashboardHttpHandler.write(exchange, dashboard.answer(exchange.getRequestMethod(),
          path.substring(DashboardAssets.MOUNT.length()), exchange.getRequestHeaders().getFirst("If-None-Match")));
      return;
    }
    AdminResponse response = api.handle(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestBody());
    String json = response.json();
    if (json == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      exchange.close();
      return;
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(response.status(), head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public String toString() {
    return "AdminHttpHandler[" + keys + "]";
  }
}
