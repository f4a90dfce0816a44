package dev.aigateway.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** These tests run on the module path, and the module exports its API package only. */
final class OkHttpModuleTest {

  @Test
  void testsRunOnTheModulePath_andOnlyTheApiIsExported() {
    Module module = OkHttpUpstream.class.getModule();
    assertThat(module.isNamed()).as("tests run on the module path").isTrue();
    ModuleDescriptor descriptor = module.getDescriptor();
    assertThat(descriptor.name()).isEqualTo("dev.aigateway.okhttp");
    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.aigateway.okhttp");
    assertThat(module.canRead(okhttp3.OkHttpClient.class.getModule())).isTrue();
    assertThat(okhttp3.OkHttpClient.class.getModule().getName()).isEqualTo("okhttp3");
  }
}
