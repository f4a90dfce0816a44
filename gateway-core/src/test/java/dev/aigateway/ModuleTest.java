package dev.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The module exports the API and SPI packages only; internals go to sibling modules alone, and core needs
 * neither the JDK's HTTP server nor Jackson's types in its API.
 */
final class ModuleTest {

  @Test
  void exportedPackages_areExactlyTheApi() {
    ModuleDescriptor descriptor = Gateway.class.getModule().getDescriptor();
    assertThat(descriptor).as("tests run on the module path").isNotNull();
    assertThat(descriptor.name()).isEqualTo("dev.aigateway.core");
    Map<String, Set<String>> exports = new TreeMap<>();
    for (ModuleDescriptor.Exports e : descriptor.exports()) {
      exports.put(e.source(), e.targets());
    }
    assertThat(exports).containsOnlyKeys("dev.aigateway", "dev.aigateway.admin", "dev.aigateway.catalog",
        "dev.aigateway.config", "dev.aigateway.failover", "dev.aigateway.resource", "dev.aigateway.routing",
        "dev.aigateway.spi", "dev.aigateway.store", "dev.aigateway.internal.admin.http", "dev.aigateway.internal.auth",
        "dev.aigateway.internal.http", "dev.aigateway.internal.json");
    exports.forEach((pkg, targets) -> {
      if (pkg.startsWith("dev.aigateway.internal.")) {
        assertThat(targets).as(pkg).isNotEmpty()
            .isSubsetOf("dev.aigateway.httpserver", "dev.aigateway.okhttp");
      } else {
        assertThat(targets).as(pkg + " is public API").isEmpty();
      }
    });
  }

  @Test
  void core_needsNoHttpServer_andDoesNotPassJacksonOn() {
    ModuleDescriptor descriptor = Gateway.class.getModule().getDescriptor();
    for (ModuleDescriptor.Requires r : descriptor.requires()) {
      assertThat(r.name()).as("core requires").isNotEqualTo("jdk.httpserver");
      if (r.name().startsWith("com.fasterxml.jackson")) {
        assertThat(r.modifiers()).as("Jackson is an implementation detail").doesNotContain(
            ModuleDescriptor.Requires.Modifier.TRANSITIVE);
      }
    }
  }
}
