package dev.aigateway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The wiring shown in docs/metrics.md, compiled and run. */
final class WiringExampleTest {

  @Test
  void theDocumentedWiring_registersTheGauge_andListens() {
    MeterRegistry registry = new SimpleMeterRegistry();
    FakeUpstream upstream = FakeUpstream.create(FakeClock.create());
    // --8<-- [start:micrometer-wiring]
    MicrometerGatewayListener metrics = MicrometerGatewayListener.builder(registry)
        .uncataloguedModels(5)           // the first 5 models the catalog does not list keep their id (default 0)
        .build();
    Gateway gateway = Gateway.builder()
        .keyStore(KeyStore.inMemory())
        .upstream(upstream)
        .listener(metrics)
        .build();
    metrics.attach(gateway);             // the cooldown gauge, the gateway's clock and catalog
    // --8<-- [end:micrometer-wiring]
    assertThat(registry.get("aigateway.cooldowns.active").gauge().value()).isZero();
    assertThat(metrics).hasToString("MicrometerGatewayListener[SimpleMeterRegistry]");
  }
}
