package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module exports its API package only; the counters and scripts stay inside it. */
final class RedisModuleTest {

  @Test
  void exportsOnlyTheApiPackage() {
    ModuleDescriptor d = ModuleFinder.of(Path.of("target/classes")).find("dev.aigateway.redis").orElseThrow()
        .descriptor();
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
        .containsExactly("dev.aigateway.redis");
    assertThat(d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
        .contains("dev.aigateway.core", "redis.clients.jedis");
  }
}
