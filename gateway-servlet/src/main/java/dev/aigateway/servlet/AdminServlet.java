package dev.aigateway.servlet;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.internal.dashboard.DashboardAsset;
import dev.aigateway.internal.dashboard.DashboardAssets;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The management API as a servlet, with the reference's paths and JSON shapes ({@code /access-keys},
 * {@code /access-key-configurations}, {@code /provider-keys}, {@code /providers}, {@code /virtual-models},
 * {@code /api-keys}, {@code /gateway-config}, {@code /usage}, {@code /credits}, ...), below wherever it is
 * mapped: at {@code /aigateway/*} the keys are at {@code /aigateway/access-keys}. Authorized by an admin key
 * ({@code Authorization: Bearer aigak_...}); an access key is refused. Errors:
 * {@code {"errorCode","statusCode","msg","details":{}}}. Below the same mapping, {@code /dashboard/} serves the
 * dashboard (its page signs in with an admin key and calls this API). A thin layer over {@link GatewayAdmin}, like the
 * JDK server's {@code AdminHttpHandler}: both carry requests to the same transport-neutral API. Requests
 * are short (bodies up to 1 MiB) and served on the container's thread.
 */
public final class AdminServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient AdminApi api;
  private final transient AdminKeys keys;

  private AdminServlet(AdminApi api, AdminKeys keys) {
    this.api = api;
    this.keys = keys;
  }

  /**
   * The management API of {@code gateway}, authorized by {@code keys}.
   *
   * @param limitsSaver called after {@code PATCH /gateway-config} changed the limits (to persist them), or null
   */
  public static AdminServlet create(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver) {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(keys, "keys");
    return new AdminServlet(AdminApi.create(gateway, keys, limitsSaver), keys);
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = pathOf(req);
    if (path.equals(DashboardAssets.MOUNT) || path.startsWith(DashboardAssets.MOUNT + "/")) {
      dashboard(req, resp, path.substring(DashboardAssets.MOUNT.length()));
      return;
    }
    AdminResponse response = api.handle(req.getMethod(), path, req.getQueryString(),
        req.getHeader("Authorization"), req.getInputStream());
    resp.setStatus(response.status());
    String json = response.json();
    if (json == null) {
      resp.setContentLength(0);
      return;
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    resp.setHeader("Content-Type", "application/json");
    resp.setContentLength(bytes.length);
    if (!req.getMethod().equals("HEAD")) {
      resp.getOutputStream().write(bytes);
    }
  }

  /** The dashboard's page, script and style (it calls this servlet's API, at the path it hangs from). */
  private static void dashboard(HttpServletRequest req, HttpServletResponse resp, String subPath) throws IOException {
    DashboardAsset answer = DashboardAssets.get().answer(req.getMethod(), subPath, req.getHeader("If-None-Match"));
    resp.setStatus(answer.status());
    answer.headers().forEach((name, value) -> {
      if (!name.equals("Content-Length")) {
        resp.setHeader(name, value);
      }
    });
    byte[] body = answer.body();
    resp.setContentLength(body.length);
    if (body.length > 0 && !req.getMethod().equals("HEAD")) {
      resp.getOutputStream().write(body);
    }
  }

  /** The raw path below the servlet's mapping ({@code /access-keys} for {@code /aigateway/access-keys}). */
  static String pathOf(HttpServletRequest req) {
    String path = GatewayServlet.pathOf(req);
    if (req.getHttpServletMapping().getMappingMatch() == MappingMatch.PATH) {
      String servletPath = req.getServletPath();
      if (path.startsWith(servletPath)) {
        return path.substring(servletPath.length());
      }
    }
    return path;
  }

  @Override
  public String toString() {
    return "AdminServlet[" + keys + "]";
  }
}
