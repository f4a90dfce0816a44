package dev.aigateway.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module exports its one API package and passes core and the Servlet API on to its users. */
final class ServletModuleTest {

  @Test
  void exportsOnlyTheApi_andRequiresTheServletApiTransitively() throws Exception {
    ModuleDescriptor descriptor;
    try (InputStream in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
      descriptor = ModuleDescriptor.read(in);
    }
    assertThat(descriptor.name()).isEqualTo("dev.aigateway.servlet");
    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.aigateway.servlet");
    assertThat(descriptor.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
    assertThat(descriptor.requires()).filteredOn(r -> r.name().equals("jakarta.servlet")
        || r.name().equals("dev.aigateway.core"))
        .hasSize(2).allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
  }
}
