package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Code in the docs is compiled: every Java block of the README and of docs/ must equal a marked region
 * ({@code // --8<-- [start:name]} ... {@code // --8<-- [end:name]}) of a source file that the build
 * compiles and tests.
 */
final class DocsSnippetsTest {
  private static final Path ROOT = Path.of("..");

  @TestFactory
  Stream<DynamicTest> everyJavaBlock_isTheCompiledCodeOfARegion() throws IOException {
    Map<String, String> regions = regions();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path doc : docs()) {
      List<String> blocks = javaBlocks(Files.readString(doc));
      for (int i = 0; i < blocks.size(); i++) {
        String block = blocks.get(i);
        String name = ROOT.relativize(doc) + " block " + (i + 1);
        tests.add(DynamicTest.dynamicTest(name, () -> assertThat(regions.values()).as(
            "%s must equal a marked region of a tested source; regions: %s", name, regions.keySet()).contains(block)));
      }
    }
    assertThat(tests).as("the README and docs hold Java blocks").hasSizeGreaterThanOrEqualTo(8);
    return tests.stream();
  }

  @Test
  void theReadmeSample_isTheRunnableExample() throws IOException {
    assertThat(javaBlocks(Files.readString(ROOT.resolve("README.md"))))
        .contains(regions().get("ReadmeExample.java#readme"));
  }

  private static List<Path> docs() throws IOException {
    List<Path> out = new ArrayList<>();
    out.add(ROOT.resolve("README.md"));
    try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
    }
    return out;
  }

  /** Every marked region of every Java source under gateway-*, by {@code File.java#name}. */
  private static Map<String, String> regions() throws IOException {
    Map<String, String> out = new HashMap<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("gateway-")).toList()) {
        Path src = module.resolve("src");
        if (!Files.isDirectory(src)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(src)) {
          files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
            String text = read(p);
            String marker = "// --8<-- [start:";
            for (String line : text.lines().toList()) {
              String l = line.strip();
              if (l.startsWith(marker) && l.endsWith("]")) {
                String name = l.substring(marker.length(), l.length() - 1);
                out.put(p.getFileName() + "#" + name, region(text, name));
              }
            }
          });
        }
      }
    }
    return out;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String region(String source, String name) {
    String start = "// --8<-- [start:" + name + "]\n";
    int a = source.indexOf(start);
    int b = source.indexOf("// --8<-- [end:" + name + "]");
    assertThat(a).as("region %s", name).isNotNegative();
    assertThat(b).as("end of region %s", name).isGreaterThan(a);
    String body = source.substring(a + start.length(), source.lastIndexOf('\n', b) + 1);
    List<String> lines = body.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(indent));
    }
    return String.join("\n", out).strip();
  }

  private static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = markdown.indexOf("```java\n", at)) >= 0) {
      int end = markdown.indexOf("```", at + 8);
      blocks.add(markdown.substring(at + 8, end).strip());
      at = end + 3;
    }
    return blocks;
  }
}
