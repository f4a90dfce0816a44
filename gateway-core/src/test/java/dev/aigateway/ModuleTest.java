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
        "dev.aigateway.config", "dev.aigateway.failover", "dev.aigateway.http", "dev.aigateway.resource", "dev.aigateway.routing",
        "dev.aigateway.spi", "dev.aigateway.store", "dev.aigateway.internal.admin.http", "dev.aigateway.internal.auth",
        "dev.aigateway.internal.dashboard", "dev.aigateway.internal.json", "dev.aigateway.internal.store",
        "dev.aigateway.internal.usage");
    exports.forEach((pkg, targets) -> {
      if (pkg.startsWith("dev.aigateway.internal.")) {
        assertThat(targets).as(pkg).isNotEmpty()
            .isSubsetOf("dev.aigateway.httpserver", "dev.aigateway.okhttp", "dev.aigateway.jdbc",
                "dev.aigateway.servlet");
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

  @Test
  void noPublicSignature_ofAnExportedPackage_namesAJacksonType() throws Exception {
    Module core = Gateway.class.getModule();
    Set<String> api = new java.util.TreeSet<>();
    for (ModuleDescriptor.Exports e : core.getDescriptor().exports()) {
      if (!e.isQualified()) {
        api.add(e.source());
      }
    }
    java.util.List<String> offenders = new java.util.ArrayList<>();
    java.lang.module.ModuleReference ref = ModuleLayer.boot().configuration().findModule(core.getName())
        .or(() -> core.getLayer().configuration().findModule(core.getName())).orElseThrow().reference();
    try (java.lang.module.ModuleReader reader = ref.open(); java.util.stream.Stream<String> names = reader.list()) {
      for (String name : names.filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class")).toList()) {
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        Class<?> type = Class.forName(className, false, Gateway.class.getClassLoader());
        if (api.contains(type.getPackageName()) && isVisible(type.getModifiers())) {
          offenders.addAll(jacksonInSignatures(type));
        }
      }
    }
    assertThat(api).as("the exported API packages were found").contains("dev.aigateway.store");
    assertThat(offenders).as("public signatures naming a Jackson type").isEmpty();
  }

  private static boolean isVisible(int modifiers) {
    return java.lang.reflect.Modifier.isPublic(modifiers) || java.lang.reflect.Modifier.isProtected(modifiers);
  }

  private static java.util.List<String> jacksonInSignatures(Class<?> type) {
    java.util.List<String> signatures = new java.util.ArrayList<>();
    for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
      if (isVisible(m.getModifiers()) && !m.isSynthetic()) {
        signatures.add(type.getName() + "." + m.getName() + ": " + m.toGenericString());
      }
    }
    for (java.lang.reflect.Constructor<?> c : type.getDeclaredConstructors()) {
      if (isVisible(c.getModifiers())) {
        signatures.add(c.toGenericString());
      }
    }
    for (java.lang.reflect.Field f : type.getDeclaredFields()) {
      if (isVisible(f.getModifiers())) {
        signatures.add(f.toGenericString());
      }
    }
    signatures.add(type.getName() + " extends " + type.getGenericSuperclass() + " implements "
        + java.util.Arrays.toString(type.getGenericInterfaces()));
    signatures.removeIf(s -> !s.contains("com.fasterxml."));
    return signatures;
  }
}
