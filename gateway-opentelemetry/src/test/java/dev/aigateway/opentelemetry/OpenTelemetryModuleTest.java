package dev.aigateway.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** These tests run on the module path, and the module exports its API package only. */
final class OpenTelemetryModuleTest {

  @Test
  void testsRunOnTheModulePath_andOnlyTheApiIsExported() {
    Module module = OpenTelemetryGatewayListener.class.getModule();
    assertThat(module.isNamed()).as("tests run on the module path").isTrue();
    ModuleDescriptor descriptor = module.getDescriptor();
    assertThat(descriptor.name()).isEqualTo("dev.aigateway.opentelemetry");
    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.aigateway.opentelemetry");
    assertThat(module.canRead(io.opentelemetry.api.OpenTelemetry.class.getModule())).isTrue();
  }
}
