package dev.aigateway.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

/** The wiring shown in docs/metrics.md, compiled and run. */
final class WiringExampleTest {

  @Test
  void theDocumentedWiring_tracesARequest() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
      OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).build();
      FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
      // --8<-- [start:opentelemetry-wiring]
      OpenTelemetryGatewayListener tracing = OpenTelemetryGatewayListener.create(openTelemetry);
      Gateway gateway = Gateway.builder()
          .keyStore(KeyStore.inMemory())
          .upstream(upstream)
          .listener(tracing)
          .build();
      tracing.attach(gateway);             // the gateway's clock, and its catalog for server.address
      // --8<-- [end:opentelemetry-wiring]
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-wiring-0000").build());
      upstream.otherwise().always(FakeUpstream.json(200, "{\"choices\":[]}"));
      String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("a").build()).token();
      gateway.handle(GatewayRequest.of(Surface.EMBEDDINGS, token, "{\"model\":\"text-embedding-3-small\"}")).close();
      assertThat(exporter.getFinishedSpanItems()).extracting(SpanData::getName)
          .containsExactlyInAnyOrder("embeddings text-embedding-3-small", "embeddings text-embedding-3-small");
    }
  }
}
