package dev.aigateway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void aNewLog_isJustTheHeader_andChangesAreOneLineEach() throws IOException {
    try (AppendLog log = AppendLog.open(dir, "test.log", new Records())) {
      log.put("thing", record("a", "1"));
      log.delete("thing", "a");
    }
    assertThat(Files.readAllLines(dir.resolve("test.log"))).containsExactly(
        "{\"format\":\"aigateway-store\",\"version\":1}",
        "{\"op\":\"put\",\"type\":\"thing\",\"data\":{\"id\":\"a\",\"v\":\"1\"}}",
        "{\"op\":\"del\",\"type\":\"thing\",\"id\":\"a\"}");
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
    Files.write(file, List.of(lines.get(0), lines.get(1), "{\"op\":\"move\",\"type\":\"thing\"}"));
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
