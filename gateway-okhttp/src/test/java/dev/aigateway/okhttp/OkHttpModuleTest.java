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

  @Test
  void close_releasesTheClientItBuilt_butNeverTheHostsOwn() {
    okhttp3.OkHttpClient hosts = OkHttpUpstream.defaultClient();
    try (OkHttpUpstream onHosts = OkHttpUpstream.create(hosts)) {
      assertThat(onHosts).isNotNull();
    }
    assertThat(hosts.dispatcher().executorService().isShutdown()).as("the host's client").isFalse();
    hosts.dispatcher().executorService().shutdown();

    OkHttpUpstream own = OkHttpUpstream.create();
    okhttp3.OkHttpClient built = own.ownedClient();
    assertThat(built).isNotNull();
    assertThat(built.dispatcher().executorService().isShutdown()).isFalse();
    own.close();
    own.close();
    assertThat(built.dispatcher().executorService().isShutdown()).as("the client it built").isTrue();
    assertThat(OkHttpUpstream.create(hosts).ownedClient()).isNull();
  }
}
