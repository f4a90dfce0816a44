package dev.aigateway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.internal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append log on its own: the line format, replay, torn and damaged lines, compaction. */
final class AppendLogTest {
  @TempDir
  Path dir;

  /** Replays into a map of "type/id" to the record's "v" field. */
  private static class Records implements AppendLog.Replay {
    final Map<String, String> values = new LinkedHashMap<>();

    @Override
    public void put(String type, JsonNode data) {
      values.put(type + "/" + data.path("id").asText(), data.path("v").asText());
    }

    @Override
    public void delete(String type, String id) {
      values.remove(type + "/" + id);
    }
  }

  private static ObjectNode record(String id, String v) {
    return Json.MAPPER.createObjectNode().put("id", id).put("v", v);
  }

  private Map<String, String> replay() {
    Records records = new Records();
    AppendLog.open(dir, "test.log", records).close();
    return records.values;
  }

  @Test
  void aNewLog_isTheVersion2Header_andChangesAreOneLineEach_eachWithTheCrc32cOfTheRestOfTheLine() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.delete("thing", "a");
    }
    // the checksums are CRC32C of {"format":"aigateway-store","version":2} and so on, computed independently
    assertThat(Files.readAllLines(dir.resolve("test.log"))).containsExactly(
        "{\"format\":\"aigateway-store\",\"version\":2,\"crc32c\":\"b07dbe5f\"}",
        "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"a\",\"v\":\"1\"},\"crc32c\":\"1804114c\"}",
        "{\"op\":\"del\",\"type\":\"thing\",\"id\":\"a\",\"crc32c\":\"a0ae1a73\"}");
  }

  @Test
  void replay_handsBackPutsAndDeletes_inOrder() {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.put("thing", record("b", "2"));
      log.put("other", record("a", "3"));
      log.put("thing", record("a", "4"));
      log.delete("thing", "b");
    }
    assertThat(replay()).containsExactly(Map.entry("thing/a", "4"), Map.entry("other/a", "3"));
  }

  @Test
  void aTornLastLine_isCutOff_andTheLogKeepsAppending() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
    }
    Path file = dir.resolve("test.log");
    long whole = Files.size(file);
    Files.write(file, "{\"op\":\"put\",\"type\":\"thing\",\"da".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      assertThat(Files.size(file)).isEqualTo(whole);
      log.put("thing", record("b", "2"));
    }
    assertThat(replay()).containsOnlyKeys("thing/a", "thing/b");
  }

  @Test
  void aDamagedLine_orARecordTheOwnerRefuses_namesTheLine() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.put("thing", record("b", "2"));
    }
    Path file = dir.resolve("test.log");
    List<String> lines = Files.readAllLines(file);
    Files.write(file, List.of(lines.get(0), lines.get(1), AppendLog.withChecksum("{\"op\":\"move\",\"type\":\"thing\"}")));
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.log line 3").hasMessageContaining("unknown op 'move'")
        .hasMessageContaining("Refusing to start");

    Files.write(file, lines);
    AppendLog.Replay refusing = new Records() {
      @Override
      public void put(String type, JsonNode data) {
        throw new IllegalStateException("no " + data.path("id").asText() + " here");
      }
    };
    assertThatThrownBy(() -> AppendLog.open(dir, "test.log", refusing)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.log line 2").hasMessageContaining("no a here");
    assertThat(Files.readAllLines(file)).isEqualTo(lines);
  }

  @Test
  void aLineCutOffInsideItsChecksum_isStillATornWrite_andIsDropped() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
    }
    Path file = dir.resolve("test.log");
    long whole = Files.size(file);
    String next = AppendLog.withChecksum("{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"b\",\"v\":\"2\"}}");
    Files.write(file, next.substring(0, next.length() - 4).getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    assertThat(replay()).containsOnlyKeys("thing/a");
    assertThat(Files.size(file)).isEqualTo(whole);
  }

  @Test
  void everySingleChangedCharacter_stopsTheOpen_namingTheLine_andLeavesTheFileAsItWas() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.delete("thing", "b");
    }
    Path file = dir.resolve("test.log");
    byte[] good = Files.readAllBytes(file);
    for (int at = 0; at < good.length; at++) {
      byte[] changed = good.clone();
      changed[at] = (byte) (good[at] == '\n' ? 'x' : good[at] == 'a' ? 'b' : 'a');
      Files.write(file, changed);
      int line = 1;
      for (int i = 0; i < at; i++) {
        line += good[i] == '\n' ? 1 : 0;
      }
      assertThat(catchThrowable(this::replay)).as("byte %d changed", at).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("test.log line " + line + " cannot be read").hasMessageContaining("Refusing to start");
      assertThat(Files.readAllBytes(file)).as("byte %d changed", at).isEqualTo(changed);
    }
  }

  @Test
  void inAVersion2Log_aLineWithoutAChecksum_isDamage() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
    }
    Path file = dir.resolve("test.log");
    Files.write(file, List.of("{\"op\":\"del\",\"type\":\"thing\",\"id\":\"a\"}"), StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.log line 3").hasMessageContaining("no checksum");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aVersion1Log_isReadAsItIs_andRewrittenAsVersion2BeforeAnythingIsAppended() throws IOException {
    Path file = dir.resolve("test.log");
    Files.write(file, List.of(
        "{\"format\":\"aigateway-store\",\"version\":1}",
        "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"a\",\"v\":\"1\"}}",
        "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"b\",\"v\":\"2\"}}",
        "{\"op\":\"del\",\"type\":\"thing\",\"id\":\"b\"}"));
    Records records = new Records();
    try (AppendLog log = AppendLog.open(dir, "test.log", records)) {
      assertThat(records.values).containsExactly(Map.entry("thing/a", "1"));
      // rewritten as it was read, each line now with its checksum
      assertThat(Files.readAllLines(file)).containsExactly(
          "{\"format\":\"aigateway-store\",\"version\":2,\"crc32c\":\"b07dbe5f\"}",
          "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"a\",\"v\":\"1\"},\"crc32c\":\"1804114c\"}",
          "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"b\",\"v\":\"2\"},\"crc32c\":\"29b4e425\"}",
          "{\"op\":\"del\",\"type\":\"thing\",\"id\":\"b\",\"crc32c\":\"4a80da00\"}");
      assertThat(dir.resolve("test.log.tmp")).doesNotExist();
      log.put("thing", record("c", "3"));
    }
    assertThat(replay()).containsExactly(Map.entry("thing/a", "1"), Map.entry("thing/c", "3"));

    // a line carried over from version 1 is now checked like every other
    List<String> lines = Files.readAllLines(file);
    lines.set(1, lines.get(1).replace("\"v\":\"1\"", "\"v\":\"7\""));
    Files.write(file, lines);
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.log line 2").hasMessageContaining("checksum does not match");
  }

  @Test
  void aVersion1LogThatCannotBeRead_isNotRewritten() throws IOException {
    Path file = dir.resolve("test.log");
    Files.write(file, List.of("{\"format\":\"aigateway-store\",\"version\":1}", "{\"op\":\"put\",\"type\""));
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class).hasMessageContaining("test.log line 2");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aLogFromANewerFormatVersion_isRefused_andLeftAsItWas() throws IOException {
    Path file = dir.resolve("test.log");
    Files.write(file, List.of(AppendLog.withChecksum("{\"format\":\"aigateway-store\",\"version\":3}")));
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format version 3").hasMessageContaining("newer version");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aWholeLastLineMissingOnlyItsLineEnd_isKept_andTheNextChangeGoesOnALineOfItsOwn() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.put("thing", record("b", "2"));
    }
    Path file = dir.resolve("test.log");
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 1));
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("c", "3"));
    }
    assertThat(replay()).containsOnlyKeys("thing/a", "thing/b", "thing/c");
  }

  @Test
  void aFileThatIsNotALog_isRefused() throws IOException {
    Files.writeString(dir.resolve("test.log"), "{\"format\":\"something-else\"}\n");
    assertThatThrownBy(this::replay).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("test.log line 1").hasMessageContaining("not an aigateway store");
  }

  @Test
  void compaction_writesOnlyWhatTheSnapshotHands_andAppendsContinueAfterIt() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      for (int i = 0; i < 10; i++) {
        log.put("thing", record("a", "v" + i));
      }
      log.compact(sink -> sink.put("thing", record("a", "v9")));
      assertThat(Files.readAllLines(dir.resolve("test.log"))).hasSize(2);
      assertThat(dir.resolve("test.log.tmp")).doesNotExist();
      log.put("thing", record("b", "after"));
    }
    assertThat(replay()).containsExactly(Map.entry("thing/a", "v9"), Map.entry("thing/b", "after"));
  }

  @Test
  void maybeCompact_waitsForAThousandLines_moreThanTwiceTheLiveRecords_andThenHalfAgainAsMany() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      for (int i = 0; i < 998; i++) {
        log.put("thing", record("a", "v" + i));
        log.maybeCompact(() -> 1, sink -> sink.put("thing", record("a", "latest")));
      }
      assertThat(Files.readAllLines(dir.resolve("test.log"))).as("999 lines: not yet").hasSize(999);
      log.put("thing", record("a", "v998"));
      log.maybeCompact(() -> 600, sink -> sink.put("thing", record("a", "latest")));
      assertThat(Files.readAllLines(dir.resolve("test.log"))).as("1,000 lines but 600 live").hasSize(1000);
      log.put("thing", record("a", "v999"));
      log.maybeCompact(() -> 1, sink -> sink.put("thing", record("a", "latest")));
      assertThat(Files.readAllLines(dir.resolve("test.log"))).as("threshold moved on").hasSize(1001);
      for (int i = 0; i < 700; i++) {
        log.put("thing", record("a", "w" + i));
        log.maybeCompact(() -> 1, sink -> sink.put("thing", record("a", "latest")));
      }
      assertThat(Files.readAllLines(dir.resolve("test.log"))).as("at the moved threshold").hasSize(2);
    }
  }

  @Test
  void openingWhereNoFileCanBeMade_isAnUncheckedIOException() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    assertThatThrownBy(() -> AppendLog.open(notADirectory, "test.log", new Records()))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("test.log");
  }
}
