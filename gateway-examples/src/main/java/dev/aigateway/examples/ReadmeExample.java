package dev.aigateway.examples;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The README's sample, kept here so that it compiles with every build; {@code ReadmeExampleTest} runs it
 * (no provider key needed: planning makes no network call).
 */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** What the sample made, for the test to check and stop. */
  record Started(Gateway gateway, HttpServer server, RoutePlan plan) {}

  public static void main(String[] args) throws IOException {
    Started s = run();
    System.out.println("listening on http://127.0.0.1:" + s.server().getAddress().getPort());
  }

  static Started run() throws IOException {
    // --8<-- [start:readme]
    Gateway gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())               // or DataDirectoryKeyStore.open(dir, masterKey)
        .upstream(OkHttpUpstream.create())
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("main")
        .value(System.getenv().getOrDefault("OPENAI_API_KEY", "sk-your-key")).build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("web app").build()).token();

    HttpHandler yourApp = exchange -> exchange.sendResponseHeaders(204, -1);  // the app you already have
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", GatewayHttpHandler.wrap(gateway, yourApp));    // /v1/* served in-process
    server.start();

    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}"));
    System.out.println(plan.explain());   // which provider, which model, which keys in which order, and why
    // --8<-- [end:readme]
    return new Started(gateway, server, plan);
  }
}
