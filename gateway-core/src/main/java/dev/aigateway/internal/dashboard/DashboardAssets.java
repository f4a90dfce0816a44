package dev.aigateway.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard's files, read once from the class path ({@code dev/aigateway/dashboard/}), and the answer to
 * a path below where the dashboard is mounted. Transport-neutral: an HTTP adapter passes the method and the
 * path after the mount point ({@code ""}, {@code "/"}, {@code "/dashboard.js"}) and writes the
 * {@link DashboardAsset} out. Every answer carries a Content-Security-Policy that allows only the
 * dashboard's own files ({@code default-src 'self'}, no inline script or style), {@code nosniff}, no
 * framing and no referrer. The page itself is never cached; its script and style are revalidated by ETag.
 * The files need no network: nothing is loaded from another origin. Thread-safe.
 */
public final class DashboardAssets {
  /** Where the dashboard is mounted below the management API's root. */
  public static final String MOUNT = "/dashboard";

  /** The policy sent with every answer. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";

  private static final String ROOT = "/dev/aigateway/dashboard/";
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "dashboard.js", "text/javascript; charset=utf-8",
      "dashboard.css", "text/css; charset=utf-8");

  private static final DashboardAssets INSTANCE = new DashboardAssets();

  private final Map<String, File> files = new LinkedHashMap<>();

  /** One file's bytes (never handed out: {@link DashboardAsset} copies them), type and validator. */
  private static final class File {
    private final byte[] bytes;
    private final String contentType;
    private final String etag;

    File(byte[] bytes, String contentType, String etag) {
      this.bytes = bytes;
      this.contentType = contentType;
      this.etag = etag;
    }

    byte[] bytes() {
      return bytes;
    }

    String contentType() {
      return contentType;
    }

    String etag() {
      return etag;
    }
  }

  private DashboardAssets() {
    FILES.forEach((name, type) -> {
      byte[] bytes = read(name);
      files.put(name, new File(bytes, type, etag(bytes)));
    });
  }

  /** The dashboard, its files loaded once per class loader. */
  public static DashboardAssets get() {
    return INSTANCE;
  }

  /**
   * Answers a request below the mount point.
   *
   * @param method the HTTP method; only GET and HEAD are served (405 otherwise)
   * @param subPath the raw path after the mount point: {@code ""} redirects to {@code "dashboard/"}, {@code "/"}
   *     is the page, {@code "/dashboard.js"} and {@code "/dashboard.css"} its files; anything else is 404
   * @param ifNoneMatch the request's {@code If-None-Match} header, or null
   */
  public DashboardAsset answer(String method, String subPath, @Nullable String ifNoneMatch) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(subPath, "subPath");
    Map<String, String> headers = securityHeaders();
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      headers.put("Allow", "GET, HEAD");
      return text(405, headers, "Method not allowed.", false);
    }
    if (subPath.isEmpty()) {
      headers.put("Location", MOUNT.substring(1) + "/");
      return new DashboardAsset(308, headers, new byte[0]);
    }
    String name = subPath.equals("/") || subPath.equals("/index.html") ? "index.html"
        : subPath.startsWith("/") ? subPath.substring(1) : subPath;
    File file = files.get(name);
    if (file == null) {
      return text(404, headers, "Not found.", head);
    }
    headers.put("Content-Type", file.contentType());
    if (name.equals("index.html")) {
      headers.put("Cache-Control", "no-store");
    } else {
      headers.put("Cache-Control", "no-cache");
      headers.put("ETag", file.etag());
      if (ifNoneMatch != null && ifNoneMatch.contains(file.etag())) {
        return new DashboardAsset(304, headers, new byte[0]);
      }
    }
    headers.put("Content-Length", Integer.toString(file.bytes().length));
    return new DashboardAsset(200, headers, head ? new byte[0] : file.bytes());
  }

  private static DashboardAsset text(int status, Map<String, String> headers, String message, boolean head) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    headers.put("Content-Type", "text/plain; charset=utf-8");
    headers.put("Cache-Control", "no-store");
    headers.put("Content-Length", Integer.toString(bytes.length));
    return new DashboardAsset(status, headers, head ? new byte[0] : bytes);
  }

  private static Map<String, String> securityHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("X-Frame-Options", "DENY");
    h.put("Referrer-Policy", "no-referrer");
    h.put("Cross-Origin-Opener-Policy", "same-origin");
    return h;
  }

  private static byte[] read(String name) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file " + name + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + name, e);
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "DashboardAssets" + files.keySet();
  }
}
