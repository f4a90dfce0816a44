package dev.aigateway.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.tokenizer.child.ModulePathMain;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the module path, core's {@code uses} binds this artifact as an automatic module named
 * {@code dev.aigateway.tokenizer}, though nothing requires it: a child JVM started with core, jtokkit and this
 * module's classes (as a jar with the same manifest entry) counts with {@code o200k_base}; without this jar,
 * four bytes a token.
 */
final class ModulePathTest {
  @TempDir
  Path dir;

  @Test
  void onTheModulePath_theTokenizerIsBoundByCoresUses_asAnAutomaticModule() throws Exception {
    List<String> modules = runtimeJars();
    modules.add(tokenizerJar().toString());
    assertThat(run(modules)).isEqualTo("dev.aigateway.tokenizer 2");
  }

  @Test
  void onTheModulePath_withoutTheTokenizer_theDefaultIsUsed() throws Exception {
    assertThat(run(runtimeJars())).isEqualTo("dev.aigateway.core 3");
  }

  /** Core and what it and jtokkit need at run time, from this test's class path. */
  private static List<String> runtimeJars() {
    List<String> out = new ArrayList<>();
    String classPath = System.getProperty("java.class.path");
    for (String entry : classPath.split(Pattern.quote(File.pathSeparator), -1)) {
      String name = entry.replace('\\', '/');
      if (name.contains("gateway-core") || name.contains("/jackson-") || name.contains("/caffeine-")
          || name.contains("/slf4j-api-") || name.contains("/jspecify-") || name.contains("/jtokkit-")) {
        out.add(entry);
      }
    }
    assertThat(out).as("core, Jackson, Caffeine, SLF4J, JSpecify, jtokkit").hasSizeGreaterThanOrEqualTo(7);
    return out;
  }

  /** This module's main classes as the jar plugin packs them: with its Automatic-Module-Name. */
  private Path tokenizerJar() throws IOException {
    Path classes = Path.of(O200kTokenCounter.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    assertThat(classes.resolve("META-INF/services/dev.aigateway.spi.TokenCounter")).exists();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", "dev.aigateway.tokenizer");
    Path jar = dir.resolve("gateway-tokenizer.jar");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private String run(List<String> modulePath) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String testClasses = Path.of(ModulePathTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    Path log = Files.createTempFile(dir, "child", ".txt");
    Process p = new ProcessBuilder(java.toString(), "--module-path", String.join(File.pathSeparator, modulePath),
        "--add-modules", "dev.aigateway.core", "-cp", testClasses, ModulePathMain.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not end within 60 s: " + Files.readString(log));
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text.strip().lines().reduce((first, second) -> second).orElse("");
  }
}
