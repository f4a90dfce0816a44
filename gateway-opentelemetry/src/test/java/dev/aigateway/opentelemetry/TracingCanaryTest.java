package dev.aigateway.opentelemetry;

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
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** No secret (access key token, provider key value) ever appears in a span name, attribute, status or event. */
final class TracingCanaryTest {
  static final String PRIMARY = "sk-CANq7Wz3xV9pLm2Rt8Yk4";
  static final String BACKUP = "sk-CANk4Mn8pR2vBx6Qj1Zs9";
  static final String ANTHROPIC = "sk-CANt5Yu1Hc7Nd3Wf0Gp6";

  @Test
  void noTokenOrProviderKey_appearsInAnySpan() throws IOException {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    FakeClock clock = FakeClock.create();
    FakeUpstream upstream = FakeUpstream.create(clock);
    OpenTelemetryGatewayListener tracing =
        OpenTelemetryGatewayListener.create(OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build());
    Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .listener(tracing).build();
    tracing.attach(gateway);
    for (String[] k : new String[][] {{"openai", "primary", PRIMARY}, {"openai", "backup", BACKUP},
        {"anthropic", "main", ANTHROPIC}}) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId(k[0]).name(k[1]).value(k[2])
          .build());
    }
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("canary").build()).token();

    String ok = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}";
    upstream.forKey(PRIMARY).respond(FakeUpstream.reply(429).header("Retry-After", "1"), FakeUpstream.json(200, ok),
        FakeUpstream.reply(401), FakeUpstream.reply(500), FakeUpstream.reply(200).delay(Duration.ofSeconds(61)));
    upstream.forKey(BACKUP).respond(FakeUpstream.json(200, ok),
        FakeUpstream.sse(200, "data: {\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n"),
        FakeUpstream.reply(503), FakeUpstream.json(400, "{\"error\":{\"message\":\"no\"}}"));
    upstream.forKey(ANTHROPIC).respond(FakeUpstream.reply(200).disconnectBeforeHeaders(),
        FakeUpstream.sse(200, "data: {\"a\":1}\n\n", "data: {\"b\":2}\n\n").breakAfterChunks(1));
    String body = "{\"model\":\"gpt-4o\",\"models\":[\"claude-sonnet-4-6\"],\"messages\":[]}";
    for (int i = 0; i < 6; i++) {
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          i == 1 ? "{\"model\":\"gpt-4o\",\"stream\":true}" : body))) {
        try (InputStream in = r.body()) {
          in.readAllBytes();
        }
      } catch (GatewayException | IOException expected) {
        // exhaustion and broken streams are among the scenarios
      }
      clock.advance(Duration.ofSeconds(2));
    }
    rejected(gateway, token.substring(0, token.length() - 1) + "x");
    rejected(gateway, "Bearer " + token + "\r\nx: y");
    String configuration = gateway.admin().configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"c\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o-mini\"]}}}")).id();
    String scoped = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("scoped")
        .configurationId(configuration).build()).token();
    rejected(gateway, scoped);

    List<String> seen = new ArrayList<>();
    for (SpanData s : exporter.getFinishedSpanItems()) {
      seen.add(s.getName());
      seen.add(s.getStatus().getDescription());
      s.getAttributes().forEach((k, v) -> {
        seen.add(k.getKey());
        seen.add(String.valueOf(v));
      });
      for (EventData e : s.getEvents()) {
        seen.add(e.getName());
        e.getAttributes().forEach((k, v) -> seen.add(String.valueOf(v)));
      }
    }
    assertThat(exporter.getFinishedSpanItems()).hasSizeGreaterThanOrEqualTo(15);
    assertThat(seen).anyMatch(v -> v.equals("429")).anyMatch(v -> v.equals("IOException"))
        .anyMatch(v -> v.equals("invalid_access_key"));
    for (String canary : List.of(token, PRIMARY, BACKUP, ANTHROPIC, scoped)) {
      for (String form : forms(canary)) {
        assertThat(seen).noneMatch(v -> v.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)));
      }
    }
    tracerProvider.close();
  }

  private static void rejected(Gateway gateway, String token) {
    try {
      gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}")).close();
    } catch (GatewayException expected) {
      // one error span
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
