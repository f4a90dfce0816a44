package dev.aigateway.examples.servlet;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.servlet.AdminServlet;
import dev.aigateway.servlet.GatewayFilter;
import dev.aigateway.servlet.GatewayServlet;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.EnumSet;

/**
 * Registering the gateway with any Servlet 6 container through the portable {@link ServletContext} API
 * (from a {@code ServletContextListener}, a {@code ServletContainerInitializer}, or Spring's
 * {@code ServletContextInitializer}). Two forms: servlets at fixed paths, or a filter in front of the app.
 */
public final class ServletEmbedding {
  private ServletEmbedding() {}

  /** The gateway at {@code /v1/*} and the management API at {@code /aigateway/*}. */
  public static void registerServlets(ServletContext context, Gateway gateway, AdminKeys adminKeys) {
    // --8<-- [start:servlets]
    ServletRegistration.Dynamic v1 = context.addServlet("aigateway", GatewayServlet.create(gateway));
    v1.addMapping("/v1/*");
    v1.setAsyncSupported(true); // streams then hold no container thread

    ServletRegistration.Dynamic admin = context.addServlet("aigateway-admin",
        AdminServlet.create(gateway, adminKeys, null));
    admin.addMapping("/aigateway/*"); // GET /aigateway/access-keys, POST /aigateway/provider-keys, ...
    // --8<-- [end:servlets]
  }

  /** The gateway in front of the app: {@code /v1/...} is served, every other path reaches the app. */
  public static void registerFilter(ServletContext context, Gateway gateway) {
    // --8<-- [start:filter]
    FilterRegistration.Dynamic filter = context.addFilter("aigateway", GatewayFilter.create(gateway));
    filter.setAsyncSupported(true);
    filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
    // --8<-- [end:filter]
  }
}
