package dev.aigateway.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty 12 (ee10) on 127.0.0.1 with servlets and filters added before {@link #start()}. */
final class JettyHost implements AutoCloseable {
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  private final ServletContextHandler context = new ServletContextHandler();

  JettyHost(String contextPath) {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    context.setContextPath(contextPath);
    server.setHandler(context);
  }

  JettyHost servlet(HttpServlet servlet, String mapping, boolean async) {
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(async);
    context.addServlet(holder, mapping);
    return this;
  }

  JettyHost filter(Filter filter, String mapping, boolean async) {
    FilterHolder holder = new FilterHolder(filter);
    holder.setAsyncSupported(async);
    context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    return this;
  }

  /** Lets the container accept header blocks up to {@code bytes} (Jetty's default is 8 KiB). */
  JettyHost requestHeaderSize(int bytes) {
    connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setRequestHeaderSize(bytes);
    return this;
  }

  JettyHost start() throws Exception {
    server.start();
    return this;
  }

  String base() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping Jetty", e);
    }
  }
}
