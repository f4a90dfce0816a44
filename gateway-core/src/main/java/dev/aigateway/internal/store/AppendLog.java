package dev.aigateway.internal.store;

import com.fasterxml.jackson.core.JsonParser;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory's JSON-lines log ({@code store.log}): a header line, then one line per change.
 *
 * <p>Format version 2, which this class writes: every line, the header included, is one JSON object whose
 * last field is {@code "crc32c"}: eight lowercase hex digits of the CRC32C of the line's UTF-8 bytes without
 * that field (the line up to {@code ,"crc32c":"…"}, then the closing brace). A single changed byte anywhere
 * in a line always fails its check:
 *
 * <pre>{@code
 * {"format":"aigateway-store","version":2,"crc32c":"…"}
 * {"op":"put","type":T,"data":{...},"crc32c":"…"}
 * {"op":"del","type":T,"id":ID,"crc32c":"…"}
 * }</pre>
 *
 * <p>Each {@link #put}/{@link #delete} appends one line and forces it to disk before returning, so a change
 * costs one append and one fsync however long the log is. {@link #compact} rewrites the log as the live
 * records alone: temporary file, forced, atomically renamed over the log, then the directory forced.
 *
 * <p>Opening replays the log. A line whose checksum does not match, a record line of a version-2 log without
 * a checksum, and any line that cannot be read stop the open with a message naming the file and the line,
 * and the file is left as it is: the log never silently loses or alters a change. The one exception is a
 * torn last line (a crash mid-append, never acknowledged): a last line without its line end that is not a
 * whole record is cut off, with a warning. A crash cuts a line short and never adds to it, so a last line
 * that holds a whole record followed by more bytes is damage; one that holds a whole record and lacks only
 * its line end is kept, and the line end is added.
 *
 * <p>Upgrade: version-1 logs (written before checksums) have the same lines without {@code "crc32c"}. Their
 * lines cannot be checked, so they are read as they are; a version-1 line that carries a checksum anyway
 * must match it. As soon as a version-1 log has been read, before anything is appended, it is rewritten as
 * version 2 (each line as it was, with its checksum added; temporary file, forced, atomic rename, directory
 * forced). A log therefore never mixes lines that are checked with lines that are not, and every change
 * made by this version is checked on every later open. A log from a newer format version is refused. (The
 * version before checksums reads a version-2 log but appends lines without one, which are then damage: an
 * upgraded data directory is not for older versions.)
 *
 * <p>Not thread-safe: the owner serialises every call (the data-directory store holds one lock around each).
 */
public final class AppendLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
  private static final String FORMAT = "aigateway-store";
  /** The format version this class writes; it reads this one and every earlier one. */
  static final int VERSION = 2;
  private static final String CHECKSUM_FIELD = ",\"crc32c\":\"";
  private static final byte[] CHECKSUM_FIELD_BYTES = CHECKSUM_FIELD.getBytes(StandardCharsets.US_ASCII);
  /** {@code ,"crc32c":"} + eight hex digits + {@code "}}. */
  private static final int CHECKSUM_SUFFIX_LENGTH = CHECKSUM_FIELD.length() + 8 + 2;
  private static final String HEADER = withChecksum("{\"format\":\"" + FORMAT + "\",\"version\":" + VERSION + "}");
  private static final long MIN_COMPACT_LINES = 1000;

  /** Receives the records of the log as it is replayed, oldest first. */
  public interface Replay {
    /** A record stored or replaced; throw to report the line as damaged. */
    void put(String type, JsonNode data);

    /** A record removed; throw to report the line as damaged. */
    void delete(String type, String id);

    /**
     * Called once the last record has been handed over, before the log is changed in any way (a torn last
     * line cut off, a version-1 log rewritten, a header written); throw to refuse the open with the file
     * left as it is. The exception reaches the caller of {@link #open} unchanged.
     */
    default void replayed() {}
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
   * Opens (creating if missing) {@code dir/fileName}, handing every record to {@code replay} first. A
   * version-1 log is rewritten as version 2 before this returns.
   *
   * @throws IllegalStateException when a line other than a torn last one cannot be read or fails its
   *     checksum, or the log is from a newer format version (the file is not changed)
   * @throws UncheckedIOException when the file cannot be read, opened or upgraded
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
      appendRaw(withChecksum(Json.MAPPER.writeValueAsString(line)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file + "; the change was not made", e);
    }
  }

  private void appendRaw(String line) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
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

  /** {@code json} (a non-empty JSON object) with its {@code "crc32c"} field added as the last field. */
  static String withChecksum(String json) {
    int n = json.length();
    if (n < 3 || json.charAt(0) != '{' || json.charAt(n - 1) != '}') {
      throw new IllegalArgumentException("a log line must be a non-empty JSON object");
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length);
    return json.substring(0, n - 1) + CHECKSUM_FIELD + hex(crc.getValue()) + "\"}";
  }

  private static String hex(long crc) {
    return String.format(Locale.ROOT, "%08x", crc);
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
      Path tmp = temporaryFile();
      long count = writeTemporary(tmp, out -> snapshot.accept((type, data) -> out.line(putLine(type, data))));
      channel.close();
      try {
        replaceLogWith(tmp);
        lines = count;
      } finally {
        // whether or not the rename happened, appends go on to the file now at this path
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not compact " + file, e);
    }
  }

  private Path temporaryFile() {
    return dir.resolve(fileName + ".tmp");
  }

  /** Writes the header and the lines {@code body} hands over to {@code tmp}, forced; returns the line count. */
  private static long writeTemporary(Path tmp, Consumer<BufferedLines> body) throws IOException {
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      BufferedLines lines = new BufferedLines(out);
      try {
        body.accept(lines);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      lines.flush();
      out.force(true);
      return lines.count;
    }
  }

  /** Renames {@code tmp} over the log (atomically where the file system can) and forces the directory. */
  private void replaceLogWith(Path tmp) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory();
  }

  /** Collects lines in memory and writes them out a megabyte at a time; starts with the header. */
  private static final class BufferedLines {
    private final FileChannel out;
    private final StringBuilder sb = new StringBuilder(1 << 16).append(HEADER).append('\n');
    long count = 1;

    BufferedLines(FileChannel out) {
      this.out = out;
    }

    void line(ObjectNode json) {
      try {
        checksummed(Json.MAPPER.writeValueAsString(json));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Adds {@code json}, a JSON object without a checksum, with its checksum. */
    void checksummed(String json) {
      sb.append(withChecksum(json)).append('\n');
      count++;
      if (sb.length() > (1 << 20)) {
        try {
          flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
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

  /** A line that cannot be read; the message says why, never what the line holds. */
  private static final class DamagedLine extends Exception {
    private static final long serialVersionUID = 1L;

    DamagedLine(String why) {
      super(why, null, false, false);
    }
  }

  /** A refusal that is not about one line's bytes; reaches the caller unchanged. */
  private static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private void load(Replay replay) throws IOException {
    if (!Files.exists(file)) {
      replay.replayed();
      return;
    }
    byte[] all = Files.readAllBytes(file);
    int version = VERSION;
    // the bodies of a version-1 log, to rewrite it as version 2
    List<String> bodies = new ArrayList<>();
    int start = 0;
    int lineNo = 0;
    int tornAt = -1;
    boolean addLineEnd = false;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      lineNo++;
      boolean complete = end < all.length;
      try {
        if (!complete && !holdsOneWholeValue(all, start, end)) {
          // a write that was cut off by a crash was never acknowledged: drop it
          tornAt = start;
          break;
        }
        boolean checked = hasChecksum(all, start, end);
        if (!checked && lineNo > 1 && version >= 2) {
          throw new DamagedLine("it has no checksum; every line of a version-2 log ends with one");
        }
        String body = checked ? checkedBody(all, start, end) : new String(all, start, end - start, StandardCharsets.UTF_8);
        JsonNode node = Json.MAPPER.readTree(body);
        if (node == null || !node.isObject()) {
          throw new DamagedLine("not a JSON object");
        }
        if (node.has("crc32c")) {
          throw new DamagedLine("its checksum field is malformed");
        }
        if (lineNo == 1) {
          version = headerVersion(node);
          if (version >= 2 && !checked) {
            throw new DamagedLine("the header has no checksum");
          }
        } else {
          apply(node, replay);
        }
        if (version < VERSION) {
          bodies.add(body.strip());
        }
        addLineEnd = !complete;
      } catch (Refused e) {
        throw e;
      } catch (DamagedLine | IOException | RuntimeException e) {
        String why = e instanceof DamagedLine ? e.getMessage() : e.getClass().getSimpleName() + ": " + shorten(e.getMessage());
        throw new IllegalStateException("The data directory " + dir + " is damaged: " + fileName + " line " + lineNo
            + " cannot be read (" + why + "). "
            + "Refusing to start so that nothing is lost; restore the file from a backup or move it aside.");
      }
      lines++;
      start = end + 1;
    }
    replay.replayed();
    // from here on the file changes; everything in it has been read
    if (tornAt >= 0) {
      LOG.warn("{}: dropping an incomplete last line (an interrupted write)", file);
    }
    if (version < VERSION && lines > 0) {
      Path tmp = temporaryFile();
      writeTemporary(tmp, out -> bodies.subList(1, bodies.size()).forEach(out::checksummed));
      replaceLogWith(tmp);
      LOG.info("{}: upgraded from format version {} to {}; every line now carries a checksum", file, version, VERSION);
    } else if (tornAt >= 0) {
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(tornAt);
        c.force(true);
      }
    } else if (addLineEnd) {
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        c.write(ByteBuffer.wrap(new byte[] {'\n'}));
        c.force(true);
      }
    }
  }

  /**
   * Whether the last line (no line end) holds a whole JSON value; false for a prefix of one (a torn write).
   *
   * @throws DamagedLine when a whole value is followed by more: a crash never adds to a line
   */
  private static boolean holdsOneWholeValue(byte[] all, int start, int end) throws DamagedLine {
    try (JsonParser p = Json.FACTORY.createParser(all, start, end - start)) {
      try {
        if (p.nextToken() == null) {
          return false;
        }
        p.skipChildren();
      } catch (IOException e) {
        return false; // cut off inside the value
      }
      if (p.nextToken() == null) {
        return true;
      }
    } catch (IOException e) {
      // not JSON after the value
    }
    throw new DamagedLine("the last line holds a whole record followed by more bytes, which no interrupted write leaves");
  }

  /** Whether the line ends with a {@code "crc32c"} field (not whether it matches). */
  private static boolean hasChecksum(byte[] all, int start, int end) {
    int at = end - CHECKSUM_SUFFIX_LENGTH;
    if (at <= start || all[end - 2] != '"' || all[end - 1] != '}') {
      return false;
    }
    for (int i = 0; i < CHECKSUM_FIELD_BYTES.length; i++) {
      if (all[at + i] != CHECKSUM_FIELD_BYTES[i]) {
        return false;
      }
    }
    return true;
  }

  /** The line without its {@code "crc32c"} field, after checking that field against the rest. */
  private static String checkedBody(byte[] all, int start, int end) throws DamagedLine {
    int at = end - CHECKSUM_SUFFIX_LENGTH;
    CRC32C crc = new CRC32C();
    crc.update(all, start, at - start);
    crc.update('}');
    byte[] expected = hex(crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < expected.length; i++) {
      if (all[at + CHECKSUM_FIELD_BYTES.length + i] != expected[i]) {
        throw new DamagedLine("its checksum does not match: the line was changed after it was written");
      }
    }
    return new String(all, start, at - start, StandardCharsets.UTF_8) + "}";
  }

  private int headerVersion(JsonNode header) throws DamagedLine {
    if (!FORMAT.equals(header.path("format").asText())) {
      throw new DamagedLine("not an aigateway store");
    }
    JsonNode v = header.path("version");
    if (!v.canConvertToInt() || v.intValue() < 1) {
      throw new DamagedLine("no format version");
    }
    if (v.intValue() > VERSION) {
      throw new Refused(file + " was written in format version " + v.intValue() + " by a newer version of the "
          + "gateway; this version reads versions 1 to " + VERSION + ". Refusing to start so that nothing is lost; "
          + "run the newer version.");
    }
    return v.intValue();
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
