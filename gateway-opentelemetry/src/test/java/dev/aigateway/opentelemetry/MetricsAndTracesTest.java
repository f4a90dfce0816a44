package dev.aigateway.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.micrometer.MicrometerGatewayListener;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

/** Metrics and traces on one gateway, as docs/metrics.md shows. */
final class MetricsAndTracesTest {

  @Test
  void bothListeners_hearEveryRequest() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
      MeterRegistry registry = new SimpleMeterRegistry();
      FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
      // --8<-- [start:metrics-and-traces]
      MicrometerGatewayListener metrics = MicrometerGatewayListener.create(registry);
      OpenTelemetryGatewayListener tracing = OpenTelemetryGatewayListener.create(openTelemetry);
      Gateway gateway = Gateway.builder()
          .upstream(upstream)
          .listener(GatewayListener.compose(metrics, tracing))   // each guarded on its own
          .build();
      metrics.attach(gateway);
      tracing.attach(gateway);
      // --8<-- [end:metrics-and-traces]
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-both-0000").build());
      upstream.otherwise().always(FakeUpstream.json(200, "{\"choices\":[]}"));
      String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("a").build()).token();
      gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o-mini\"}")).close();
      assertThat(registry.get(MicrometerGatewayListener.REQUESTS).tag("model", "gpt-4o-mini").timer().count())
          .isEqualTo(1);
      assertThat(exporter.getFinishedSpanItems()).hasSize(2);
    }
  }
}
