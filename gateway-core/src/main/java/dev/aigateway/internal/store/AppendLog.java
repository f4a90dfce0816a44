package dev.aigateway.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.internal.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory's JSON-lines log ({@code store.log}): a header line, then one line per change,
 * {@code {"op":"put","type":T,"data":{...}}} or {@code {"op":"del","type":T,"id":ID}}.
 *
 * <p>Each {@link #put}/{@link #delete} appends one line and forces it to disk before returning, so a change
 * costs one append and one fsync however long the log is. {@link #compact} rewrites the log as the live
 * records alone: temporary file, forced, atomically renamed over the log, then the directory forced. Opening
 * replays the log; a torn last line (a crash mid-append, never acknowledged) is cut off, and any other damage
 * stops the open with a message naming the line, so the log never silently loses a change.
 *
 * <p>Not thread-safe: the owner serialises every call (the data-directory store holds one lock around each).
 */
public final class AppendLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
  private static final String HEADER = "{\"format\":\"aigateway-store\",\"version\":1}";
  private static final long MIN_COMPACT_LINES = 1000;

  /** Receives the records of the log as it is replayed, oldest first. */
  public interface Replay {
    /** A record stored or replaced; throw to report the line as damaged. */
    void put(String type, JsonNode data);

    /** A record removed; throw to report the line as damaged. */
    void delete(String type, String id);
  }

  /** Takes the live records during a compaction, one {@code put} line each. */
  @FunctionalInterface
  public interface Sink {
    void put(String type, ObjectNode data);
  }

  private final Path dir;
  private final String fileName;
  private final Path file;
  private FileChannel channel;
  private long lines;
  private long compactAt = MIN_COMPACT_LINES;

  private AppendLog(Path dir, String fileName, Replay replay) throws IOException {
    this.dir = dir;
    this.fileName = fileName;
    this.file = dir.resolve(fileName);
    load(replay);
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
    if (lines == 0) {
      appendRaw(HEADER);
      forceDirectory();
    }
  }

  /**
   * Opens (creating if missing) {@code dir/fileName}, handing every record to {@code replay} first.
   *
   * @throws IllegalStateException when a line other than a torn last one cannot be read (the file is not changed)
   * @throws UncheckedIOException when the file cannot be read or opened
   */
  public static AppendLog open(Path dir, String fileName, Replay replay) {
    try {
      return new AppendLog(dir, fileName, replay);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open " + dir.resolve(fileName), e);
    }
  }

  /** Appends and forces a {@code put} line. */
  public void put(String type, ObjectNode data) {
    append(putLine(type, data));
  }

  /** Appends and forces a {@code del} line. */
  public void delete(String type, String id) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("op", "del");
    line.put("type", type);
    line.put("id", id);
    append(line);
  }

  private void append(ObjectNode line) {
    try {
      appendRaw(Json.MAPPER.writeValueAsString(line));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file + "; the change was not made", e);
    }
  }

  private void appendRaw(String json) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
    channel.force(false);
    lines++;
  }

  private static ObjectNode putLine(String type, ObjectNode data) {
    ObjectNode line = Json.MAPPER.createObjectNode();
    line.put("op", "put");
    line.put("type", type);
    line.set("data", data);
    return line;
  }

  /**
   * Compacts when the log has grown past its threshold (at least 1,000 lines) and holds more than twice
   * the live records plus one. A failed compaction is logged and retried later: the log keeps working.
   */
  public void maybeCompact(LongSupplier liveRecords, Consumer<Sink> snapshot) {
    if (lines < compactAt) {
      return;
    }
    long live = liveRecords.getAsLong();
    if (lines > 2 * live + 1) {
      try {
        compact(snapshot);
      } catch (UncheckedIOException e) {
        LOG.warn("compacting {} failed; the log keeps growing until the next try", file, e);
      }
    }
    compactAt = Math.max(MIN_COMPACT_LINES, 2 * live + 1) + lines / 2;
  }

  /**
   * Rewrites the log as the header and the records {@code snapshot} hands over: temporary file, force,
   * atomic rename, force the directory.
   *
   * @throws UncheckedIOException when the rewrite fails
   */
  public void compact(Consumer<Sink> snapshot) {
    try {
      rewrite(snapshot);
    } catch (IOException e) {
      throw new UncheckedIOException("could not compact " + file, e);
    }
  }

  private void rewrite(Consumer<Sink> snapshot) throws IOException {
    Path tmp = dir.resolve(fileName + ".tmp");
    long count;
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      BufferedSink sink = new BufferedSink(out);
      snapshot.accept(sink);
      sink.flush();
      out.force(true);
      count = sink.count;
    }
    channel.close();
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory();
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    lines = count;
  }

  /** Collects lines in memory and writes them out a megabyte at a time; counts the header as a line. */
  private static final class BufferedSink implements Sink {
    private final FileChannel out;
    private final StringBuilder sb = new StringBuilder(1 << 16).append(HEADER).append('\n');
    long count = 1;

    BufferedSink(FileChannel out) {
      this.out = out;
    }

    @Override
    public void put(String type, ObjectNode data) {
      try {
        sb.append(Json.MAPPER.writeValueAsString(putLine(type, data))).append('\n');
        count++;
        if (sb.length() > (1 << 20)) {
          flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void flush() throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      sb.setLength(0);
    }
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("cannot force directory {} on this platform", dir, e);
    }
  }

  // ------------------------------------------------------------------ replay

  private void load(Replay replay) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    byte[] all = Files.readAllBytes(file);
    int start = 0;
    int lineNo = 0;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      lineNo++;
      boolean complete = end < all.length;
      String text = new String(all, start, end - start, StandardCharsets.UTF_8);
      try {
        JsonNode node = Json.MAPPER.readTree(text);
        if (lineNo == 1) {
          if (node == null || !"aigateway-store".equals(node.path("format").asText())) {
            throw new IllegalStateException("not an aigateway store");
          }
        } else {
          apply(node, replay);
        }
      } catch (IOException | RuntimeException e) {
        if (!complete) {
          // a write that was cut off by a crash was never acknowledged: drop it
          LOG.warn("{}: dropping an incomplete last line (an interrupted write)", file);
          try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(start);
            c.force(true);
          }
          break;
        }
        throw new IllegalStateException("The data directory " + dir + " is damaged: " + fileName + " line " + lineNo
            + " cannot be read (" + e.getClass().getSimpleName() + ": " + shorten(e.getMessage()) + "). "
            + "Refusing to start so that nothing is lost; restore the file from a backup or move it aside.");
      }
      lines++;
      start = end + 1;
    }
  }

  private static void apply(JsonNode node, Replay replay) {
    String op = node.path("op").asText();
    String type = node.path("type").asText();
    if (op.equals("put")) {
      JsonNode data = node.get("data");
      if (data == null || !data.isObject()) {
        throw new IllegalStateException("a put without data");
      }
      replay.put(type, data);
    } else if (op.equals("del")) {
      replay.delete(type, node.path("id").asText());
    } else {
      throw new IllegalStateException("unknown op '" + op + "'");
    }
  }

  private static String shorten(@Nullable String s) {
    if (s == null) {
      return "";
    }
    int cut = s.indexOf('\n');
    String t = cut >= 0 ? s.substring(0, cut) : s;
    return t.length() > 160 ? t.substring(0, 160) : t;
  }

  /** Forces and closes the log; closing again does nothing. */
  @Override
  public void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("could not close " + file, e);
    }
  }

  @Override
  public String toString() {
    return "AppendLog[" + file + ", " + lines + " lines]";
  }
}
