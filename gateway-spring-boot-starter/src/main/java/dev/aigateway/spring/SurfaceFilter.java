package dev.aigateway.spring;

import dev.aigateway.Surface;
import dev.aigateway.servlet.GatewayFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's paths of the application: the surfaces ({@code /v1/chat/completions}, {@code /v1/completions},
 * {@code /v1/embeddings}, {@code /v1/responses}, {@code /v1/messages}) and {@code /v1/models} go to a
 * {@link GatewayFilter}; every other path, under {@code /v1/} or not, goes on down the application's chain,
 * so the application's own {@code /v1/...} controllers still answer.
 */
final class SurfaceFilter implements Filter {
  private final GatewayFilter gateway;

  SurfaceFilter(GatewayFilter gateway) {
    this.gateway = gateway;
  }

  /** Whether the gateway serves this path (after the context path). */
  static boolean isServed(@Nullable String path) {
    return path != null && (Surface.fromPath(path) != null || path.equals("/v1/models") || path.equals("/v1/models/"));
  }

  static String pathOf(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String context = req.getContextPath();
    return context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest req && isServed(pathOf(req))) {
      gateway.doFilter(request, response, chain);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Stops the gateway servlet's own pool. */
  @Override
  public void destroy() {
    gateway.destroy();
  }

  @Override
  public String toString() {
    return "SurfaceFilter[" + gateway + "]";
  }
}
