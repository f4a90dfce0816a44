package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An app's own OkHttp client, routed through the gateway in-process by the interceptor. */
final class GatewayInterceptorTest {
  private MockWebServer provider;
  private OkHttpClient appClient;
  private String token;

  @BeforeEach
  void setUp() throws IOException {
    provider = new MockWebServer();
    provider.start(InetAddress.getLoopbackAddress(), 0);
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory())
        .baseUrl("openai", provider.url("/v1").toString())
        .upstream(OkHttpUpstream.create())
        .build();
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
        .value("sk-real-provider-key").build());
    token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    appClient = new OkHttpClient.Builder().addInterceptor(GatewayInterceptor.create(gateway)).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  @Test
  void providerCallsGoThroughTheGateway_withTheProviderCredentialInjected() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .body("{\"id\":\"ok\"}").build());
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer " + token)
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("{\"id\":\"ok\"}");
      assertThat(r.header("AIG-Provider")).isEqualTo("openai");
      assertThat(r.header("AIG-Attempts")).isEqualTo("1");
    }
    RecordedRequest seen = provider.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getHeaders().get("Authorization")).isEqualTo("Bearer sk-real-provider-key");
    assertThat(seen.getBody().utf8()).isEqualTo("{\"model\":\"gpt-4o\"}");
  }

  @Test
  void aBadAccessKey_isAnswered401_withoutLeavingTheProcess() throws Exception {
    Request request = new Request.Builder().url("https://api.openai.com/v1/chat/completions")
        .header("Authorization", "Bearer sk-someone-pasted-a-provider-key")
        .post(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build();
    try (Response r = appClient.newCall(request).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("\"code\":\"invalid_access_key\"");
    }
    assertThat(provider.getRequestCount()).isZero();
  }

  @Test
  void otherRequests_proceedUntouched() throws Exception {
    provider.enqueue(new MockResponse.Builder().code(204).build());
    try (Response r = appClient.newCall(new Request.Builder().url(provider.url("/health")).build()).execute()) {
      assertThat(r.code()).isEqualTo(204);
      assertThat(r.header("AIG-Request-Id")).isNull();
    }
    assertThat(provider.takeRequest(5, TimeUnit.SECONDS).getUrl().encodedPath()).isEqualTo("/health");
  }
}
