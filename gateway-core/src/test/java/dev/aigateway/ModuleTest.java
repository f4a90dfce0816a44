package dev.aigateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The module exports the API and SPI packages only; internals go to sibling modules alone. */
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
        "dev.aigateway.config", "dev.aigateway.http", "dev.aigateway.resource", "dev.aigateway.spi", "dev.aigateway.store", "dev.aigateway.testkit",
        "dev.aigateway.internal");
    assertThat(exports.get("dev.aigateway.internal")).containsExactly("dev.aigateway.okhttp");
    exports.remove("dev.aigateway.internal");
    assertThat(exports.values()).allMatch(Set::isEmpty);
  }
}
