package dev.aigateway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** These tests run on the module path, and the module exports its API package only. */
final class MicrometerModuleTest {

  @Test
  void testsRunOnTheModulePath_andOnlyTheApiIsExported() {
    Module module = MicrometerGatewayListener.class.getModule();
    assertThat(module.isNamed()).as("tests run on the module path").isTrue();
    ModuleDescriptor descriptor = module.getDescriptor();
    assertThat(descriptor.name()).isEqualTo("dev.aigateway.micrometer");
    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.aigateway.micrometer");
    assertThat(module.canRead(io.micrometer.core.instrument.MeterRegistry.class.getModule())).isTrue();
  }
}
