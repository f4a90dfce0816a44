package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import java.net.InetAddress;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a provider host name that now resolves to a loopback address is refused when the
 * connection is made. A stub DNS maps the name; the only address involved is the local MockWebServer.
 */
final class PublicAddressesOnlyTest {

  @Test
  void aNameResolvingToAPrivateAddress_isNeverConnected() throws Exception {
    try (MockWebServer local = new MockWebServer(); MockWebServer fallback = new MockWebServer()) {
      local.start(InetAddress.getLoopbackAddress(), 0);
      fallback.start(InetAddress.getLoopbackAddress(), 0);
      local.enqueue(new MockResponse.Builder().code(200).body("{}").build());
      fallback.enqueue(new MockResponse.Builder().code(200).body("{}").build());
      OkHttpClient stubDns = new OkHttpClient.Builder()
          .dns(host -> List.of(InetAddress.getLoopbackAddress())) // rebound.test, like any name, is loopback
          .build();
      Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory())
          .baseUrl("openai", "http://rebound.test:" + local.getPort() + "/v1")
          .baseUrl("anthropic", "http://127.0.0.1:" + fallback.getPort() + "/v1") // an IP literal: not looked up
          .upstream(OkHttpUpstream.publicAddressesOnly(stubDns))
          .build();
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("o")
          .value("sk-rebind-000000000").build());
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("anthropic").name("a")
          .value("sk-rebind-111111111").build());
      String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"]}"))) {
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.attempts().get(0).retryAction()).isEqualTo(RetryAction.NEXT_BACKEND);
        assertThat(r.attempts().get(0).error()).contains("private or local address");
      }
      assertThat(local.getRequestCount()).isZero();

      // the same client without the filter does connect: the test can fail
      Gateway open = Gateway.builder().keyStore(KeyStore.inMemory())
          .baseUrl("openai", "http://rebound.test:" + local.getPort() + "/v1")
          .upstream(OkHttpUpstream.create(stubDns)).build();
      open.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("o")
          .value("sk-rebind-000000000").build());
      String t2 = open.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
      open.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, t2, "{\"model\":\"gpt-4o\"}")).close();
      assertThat(local.getRequestCount()).isEqualTo(1);
    }
  }
}
