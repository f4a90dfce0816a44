package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Code in the docs is compiled: each Java block of these pages must equal a marked region
 * ({@code --8<-- [start:name]} ... {@code [end:name]}) of a source file that the build compiles and tests.
 */
final class DocsSnippetsTest {
  private static final Path ROOT = Path.of("..");

  @ParameterizedTest(name = "{0} shows {2}")
  @CsvSource({
      "README.md, gateway-examples/src/main/java/dev/aigateway/examples/ReadmeExample.java, readme",
      "docs/testing.md, gateway-examples/src/test/java/dev/aigateway/examples/OfflineRoutingExampleTest.java, offline-routing",
      "docs/http.md, gateway-examples/src/main/java/dev/aigateway/examples/embed/EmbeddedGateway.java, embed",
      "docs/spi.md, gateway-testing/src/test/java/dev/aigateway/functional/DataDirectoryKeyStoreContractTest.java, keystore-contract",
  })
  void docSnippets_areTheCompiledCode(String doc, String source, String region) throws IOException {
    String snippet = region(Files.readString(ROOT.resolve(source)), region);
    assertThat(javaBlocks(Files.readString(ROOT.resolve(doc)))).as(doc).contains(snippet);
  }

  private static String region(String source, String name) {
    String start = "// --8<-- [start:" + name + "]\n";
    int a = source.indexOf(start);
    int b = source.indexOf("// --8<-- [end:" + name + "]");
    assertThat(a).as("region %s", name).isNotNegative();
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
