package dev.aigateway.examples.embed;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Embedding the gateway in an application that already serves HTTP with the JDK server: the app's own
 * handler keeps every path it had, and {@code /v1/*} is served by the gateway in-process.
 */
public final class EmbeddedGateway {
  private EmbeddedGateway() {}

  /** The application's existing handler. */
  static HttpHandler existingApp() {
    return exchange -> {
      byte[] body = ("hello from the app at " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  /** Starts the app with the gateway wrapped around its handler. */
  public static HttpServer start(InetSocketAddress address, KeyStore store, Map<String, String> env) throws IOException {
    // safe: managedFromEnv takes a Function<String, @Nullable String> and skips unset variables; NullAway 0.12
    // does not read that type argument's @Nullable from gateway-core's class files
    @SuppressWarnings("NullAway")
    // --8<-- [start:embed]
    Gateway gateway = Gateway.builder()
        .keyStore(store)
        .credentialResolver(CredentialResolver.managedFromEnv(Map.of("openai", "OPENAI_API_KEY"), env::get))
        .upstream(OkHttpUpstream.create())
        .build();

    HttpServer server = GatewayHttpHandler.newServer(address, 64);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, existingApp()));
    server.start();
    // --8<-- [end:embed]
    return server;
  }

  public static void main(String[] args) throws IOException {
    HttpServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080), KeyStore.inMemory(), System.getenv());
    System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
  }
}
