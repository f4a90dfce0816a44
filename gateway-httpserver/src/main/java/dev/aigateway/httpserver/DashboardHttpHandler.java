package dev.aigateway.httpserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.aigateway.internal.dashboard.DashboardAsset;
import dev.aigateway.internal.dashboard.DashboardAssets;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The operator dashboard's static files: a page that signs in with an admin key and drives the management API
 * from the browser. {@link AdminHttpHandler} already serves it at {@code /dashboard}; use this handler to mount
 * it in a context of its own ({@code server.createContext("/dashboard", DashboardHttpHandler.create())}), with
 * the management API at the server's root, because the page calls the API at the path its own mount point
 * hangs from ({@code /x/dashboard/} calls {@code /x/access-keys}). Serves GET and HEAD only; every answer
 * carries a strict Content-Security-Policy. The files hold no secret and need no authorization; every
 * management call the page makes is authorized by the admin key typed into it.
 */
public final class DashboardHttpHandler implements HttpHandler {
  private final DashboardAssets assets = DashboardAssets.get();

  private DashboardHttpHandler() {}

  /** The dashboard, to mount at a context path that ends in {@code /dashboard}. */
  public static DashboardHttpHandler create() {
    return new DashboardHttpHandler();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String context = exchange.getHttpContext().getPath();
    String sub = path.startsWith(context) ? path.substring(context.length()) : "/not-found";
    if (context.endsWith("/")) {
      sub = "/" + sub;
    } else if (!sub.isEmpty() && !sub.startsWith("/")) {
      sub = "/not-found";
    }
    write(exchange, assets.answer(exchange.getRequestMethod(), sub,
        exchange.getRequestHeaders().getFirst("If-None-Match")));
  }

  /** Writes one dashboard answer and closes the exchange. */
  static void write(HttpExchange exchange, DashboardAsset answer) throws IOException {
    try (exchange) {
      answer.headers().forEach((name, value) -> {
        if (!name.equals("Content-Length")) {
          exchange.getResponseHeaders().set(name, value);
        }
      });
      byte[] body = answer.body();
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(body);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "DashboardHttpHandler";
  }
}
