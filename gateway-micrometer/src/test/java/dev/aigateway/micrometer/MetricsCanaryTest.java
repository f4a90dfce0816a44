package dev.aigateway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** No secret (access key token, provider key value) ever becomes a meter name or tag value. */
final class MetricsCanaryTest {
  static final String PRIMARY = "sk-CANq7Wz3xV9pLm2Rt8Yk4";
  static final String BACKUP = "sk-CANk4Mn8pR2vBx6Qj1Zs9";

  @Test
  void noTokenOrProviderKey_appearsInAnyMeter() throws IOException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    MicrometerGatewayListener metrics = MicrometerGatewayListener.create(registry);
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .listener(metrics).build();
    metrics.attach(gateway);
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("primary")
        .value(PRIMARY).build());
    gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("backup")
        .value(BACKUP).build());
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("canary").build()).token();
    String secret = token.substring(token.indexOf("-g1-") + 4);

    String ok = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(429).header("Retry-After", "1"), FakeUpstream.json(200, ok),
        FakeUpstream.reply(401), FakeUpstream.reply(500));
    upstream.forKey(BACKUP).respond(FakeUpstream.json(200, ok),
        FakeUpstream.sse(200, "data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n"),
        FakeUpstream.reply(503));
    String body = "{\"model\":\"gpt-4o\",\"messages\":[]}";
    for (int i = 0; i < 4; i++) {
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          i == 1 ? "{\"model\":\"gpt-4o\",\"stream\":true}" : body))) {
        try (InputStream in = r.body()) {
          in.readAllBytes();
        }
      } catch (GatewayException expected) {
        // exhaustion is one of the scenarios
      }
    }
    // the token's secret in a model string, a tampered token, the token as a model
    for (String b : List.of("{\"model\":\"openai:" + secret + "\"}", "{\"model\":\"" + token + "\"}",
        "{\"model\":\"openai:" + PRIMARY + "\"}")) {
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, b))) {
        r.bodyBytes();
      } catch (GatewayException expected) {
        // refused or exhausted
      }
    }
    rejected(gateway, token.substring(0, token.length() - 1) + "x", body);
    String configuration = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"c\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o-mini\"]}}}")).id();
    String scoped = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("scoped")
        .configurationId(configuration).build()).token();
    rejected(gateway, scoped, body);

    List<String> seen = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      seen.add(m.getId().getName());
      for (Tag t : m.getId().getTags()) {
        seen.add(t.getKey());
        seen.add(t.getValue());
      }
      if (m.getId().getDescription() != null) {
        seen.add(m.getId().getDescription());
      }
    }
    assertThat(registry.find(MicrometerGatewayListener.REQUESTS).timers()).hasSizeGreaterThanOrEqualTo(5);
    for (String canary : List.of(token, secret, PRIMARY, BACKUP, scoped)) {
      for (String form : forms(canary)) {
        assertThat(seen).noneMatch(s -> s.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)));
      }
    }
  }

  private static void rejected(Gateway gateway, String token, String body) {
    try {
      gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body)).close();
    } catch (GatewayException expected) {
      // counted as a rejection
    }
  }

  /**
   * The canary raw, base64, hex and URL-encoded, and every 8-character piece of its secret part (a token's
   * public part is its key's id, which may appear).
   */
  static List<String> forms(String canary) {
    List<String> out = new ArrayList<>();
    byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
    out.add(canary);
    out.add(Base64.getEncoder().encodeToString(bytes));
    out.add(HexFormat.of().formatHex(bytes));
    out.add(URLEncoder.encode(canary, StandardCharsets.UTF_8));
    int g1 = canary.indexOf("-g1-");
    String secret = g1 >= 0 ? canary.substring(g1 + 4) : canary.startsWith("sk-") ? canary.substring(3) : canary;
    for (int i = 0; i + 8 <= secret.length(); i++) {
      out.add(secret.substring(i, i + 8));
    }
    return out;
  }
}
