package dev.aigateway.examples.server;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.servlet.AdminServlet;
import dev.aigateway.servlet.GatewayServlet;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * The server's HTTP front: Jetty 12 with {@link GatewayServlet} at {@code /v1/*} and {@link AdminServlet}
 * for everything else, and the limits that keep one client from freezing it.
 *
 * <ul>
 *   <li>Container threads ({@code --threads}) only route requests and serve the short ones (the model
 *       list, the management API); request bodies are read without a thread.</li>
 *   <li>Upstream calls and streams run on the gateway pool ({@code --gateway-threads}); when it is full a
 *       gateway request is answered 503 with {@code Retry-After} at once. Streams hold no container thread.</li>
 *   <li>A new connection must send its first request's headers within {@code --header-timeout}, and a
 *       client the server waits for that stays silent for {@code --idle-timeout} is disconnected (a stream
 *       waiting on its provider is not); headers over {@code --max-header-bytes} are answered 431.</li>
 *   <li>At {@code --max-connections} Jetty stops accepting until one closes, and idle connections are then
 *       closed after one second, so slow clients cannot hold the slots for long.</li>
 * </ul>
 */
final class JettyFront {
  private JettyFront() {}

  /** The operational limits (DESIGN §6 flags plus the ones in docs/server.md). */
  record Limits(int threads, int gatewayThreads, int maxConnections, Duration idleTimeout, Duration headerTimeout,
      int maxHeaderBytes) {
    static Limits defaults() {
      return new Limits(200, 512, 10_000, Duration.ofSeconds(30), Duration.ofSeconds(10), 64 * 1024);
    }
  }

  static Server create(String host, int port, Limits limits, Gateway gateway, AdminKeys adminKeys,
      @Nullable Consumer<Gateway.Limits> limitsSaver) {
    QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), Math.min(8, limits.threads()));
    threads.setName("aigateway-jetty");
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setRequestHeaderSize(limits.maxHeaderBytes());
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    connector.setAcceptQueueSize(1024);
    HeaderTimeout headerTimeout = new HeaderTimeout(connector.getScheduler(), limits.headerTimeout());
    connector.addEventListener(headerTimeout);
    server.addConnector(connector);
    NetworkConnectionLimit connectionLimit = new NetworkConnectionLimit(limits.maxConnections(), connector);
    connectionLimit.setEndPointIdleTimeout(1000);
    server.addBean(connectionLimit);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder gatewayHolder = new ServletHolder("aigateway",
        GatewayServlet.builder(gateway).threads(limits.gatewayThreads()).build());
    gatewayHolder.setAsyncSupported(true);
    context.addServlet(gatewayHolder, "/v1/*");
    context.addServlet(new ServletHolder("aigateway-admin", AdminServlet.create(gateway, adminKeys, limitsSaver)),
        "/");
    headerTimeout.setHandler(context);
    server.setHandler(new GracefulHandler(headerTimeout));
    server.setStopTimeout(10_000);
    return server;
  }

  /**
   * Closes a connection that has not completed its first request's headers in time: a client that opens
   * connections and sends headers a byte at a time (slowloris) loses them. A connection counts as served
   * once a request on it reaches the handlers, however long that request then lasts (a stream).
   */
  private static final class HeaderTimeout extends Handler.Wrapper implements Connection.Listener {
    private final Scheduler scheduler;
    private final Duration timeout;
    private final Set<Connection> served = ConcurrentHashMap.newKeySet();

    HeaderTimeout(Scheduler scheduler, Duration timeout) {
      this.scheduler = scheduler;
      this.timeout = timeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      served.add(request.getConnectionMetaData().getConnection());
      return super.handle(request, response, callback);
    }

    @Override
    public void onOpened(Connection connection) {
      scheduler.schedule(() -> {
        if (!served.contains(connection) && connection.getEndPoint().isOpen()) {
          connection.getEndPoint().close();
        }
      }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onClosed(Connection connection) {
      served.remove(connection);
    }
  }
}
