package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Providers and the servers in front of them close keep-alive connections that stay idle (uvicorn and
 * Node after 5 s). A request must not fail because its pooled connection went stale, and must never be
 * sent twice to a provider that may have processed it.
 */
final class StaleConnectionTest {
  private KeepAliveServer server;
  private Gateway gateway;
  private OkHttpUpstream upstream;
  private String token;

  private void start(int idleCloseMillis) throws Exception {
    server = new KeepAliveServer(idleCloseMillis);
    upstream = OkHttpUpstream.create();
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).baseUrl("openai", server.baseUrl())
        .upstream(upstream).build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("only")
        .value("sk-stale-test-0000").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("stale").build()).token();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (upstream != null) {
      upstream.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private int chat() {
    try (GatewayResponse r = gateway.handle(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token).body("{\"model\":\"gpt-4o\",\"messages\":[]}").build())) {
      return r.status();
    }
  }

  @Test
  void staleUpstreamConnection_closedByTheProviderWhileIdle_isNotUsed() throws Exception {
    start(200);
    assertThat(chat()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      Thread.sleep(600); // the server closes the idle connection after 200 ms
      assertThat(chat()).as("request %d after an idle gap", i + 2).isEqualTo(200);
    }
    assertThat(server.requests.get()).as("each request reached the provider exactly once").isEqualTo(4);
    assertThat(server.connections.get()).isEqualTo(4);
  }

  @Test
  void aHealthyPooledConnection_isReusedAfterAnIdleGap() throws Exception {
    start(10_000);
    assertThat(chat()).isEqualTo(200);
    Thread.sleep(600);
    assertThat(chat()).isEqualTo(200);
    assertThat(chat()).isEqualTo(200);
    assertThat(server.connections.get()).as("the probe keeps a live connection").isEqualTo(1);
  }

  @Test
  void aRequestTheProviderMayHaveProcessed_isNeverSentAgain() throws Exception {
    start(10_000);
    assertThat(chat()).isEqualTo(200);
    server.dieAfterRequestOnReusedConnection = true;
    Thread.sleep(300);
    GatewayException e = null;
    try {
      chat();
    } catch (GatewayException thrown) {
      e = thrown;
    }
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.ALL_PROVIDERS_FAILED);
    assertThat(server.requests.get()).as("the second request was read once and not re-sent").isEqualTo(2);
  }
}
