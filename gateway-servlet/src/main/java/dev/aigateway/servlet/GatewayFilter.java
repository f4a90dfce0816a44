package dev.aigateway.servlet;

import dev.aigateway.Gateway;
import dev.aigateway.http.GatewayFront;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * The gateway in front of the host's own servlets: requests whose path (after the context path) is
 * {@code /v1} or under {@code /v1/} are served by a {@link GatewayServlet}; everything else goes on down
 * the host's chain untouched. Map it at {@code /*} for the {@code REQUEST} and {@code ASYNC} dispatcher
 * types with async support on (a stream that breaks is ended through an async dispatch).
 *
 * <pre>{@code
 * FilterRegistration.Dynamic reg = context.addFilter("aigateway", GatewayFilter.create(gateway));
 * reg.setAsyncSupported(true);
 * reg.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 */
public final class GatewayFilter implements Filter {
  private final GatewayServlet servlet;

  private GatewayFilter(GatewayServlet servlet) {
    this.servlet = servlet;
  }

  /** A filter serving {@code gateway} with {@link GatewayServlet#create}'s settings. */
  public static GatewayFilter create(Gateway gateway) {
    return new GatewayFilter(GatewayServlet.create(gateway));
  }

  /** A filter serving {@code /v1/} with {@code servlet} (for its pool and header settings). */
  public static GatewayFilter of(GatewayServlet servlet) {
    return new GatewayFilter(Objects.requireNonNull(servlet, "servlet"));
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp
        && GatewayFront.isGatewayPath(GatewayServlet.pathOf(req))
        && (req.getDispatcherType() == DispatcherType.REQUEST || req.getAttribute(GatewayServlet.ABORT) != null)) {
      servlet.serve(req, resp);
      return;
    }
    chain.doFilter(request, response);
  }

  /** Stops the servlet's own pool. */
  @Override
  public void destroy() {
    servlet.destroy();
  }

  @Override
  public String toString() {
    return "GatewayFilter[" + servlet + "]";
  }
}
