package dev.aigateway.examples;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.httpserver.GatewayHttpHandler;
import dev.aigateway.okhttp.OkHttpUpstream;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.store.DataDirectoryKeyStore;
import java.nio.file.Path;
import java.util.Map;

/** The README's sample, kept here so that it compiles with every build. */
final class ReadmeExample {
  private ReadmeExample() {}

  static RoutePlan sample(HttpServer server, HttpHandler existingHandler) {
    // --8<-- [start:readme]
    Gateway gateway = Gateway.builder()
        .keyStore(DataDirectoryKeyStore.open(Path.of("aigateway-data"), System.getenv("AIGATEWAY_MASTER_KEY")))
        .credentialResolver(CredentialResolver.managedFromEnv(Map.of("openai", "OPENAI_API_KEY"), System::getenv))
        .upstream(OkHttpUpstream.create())
        .build();
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("web app").build()).token();

    server.createContext("/", GatewayHttpHandler.wrap(gateway, existingHandler)); // /v1/* served in-process
    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}"));
    System.out.println(plan.explain());   // which provider, which model, which keys in which order, and why
    // --8<-- [end:readme]
    return plan;
  }
}
