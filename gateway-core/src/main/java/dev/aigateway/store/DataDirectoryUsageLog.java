package dev.aigateway.store;

import dev.aigateway.internal.usage.OverviewSums;
import dev.aigateway.internal.usage.UsageEventCodec;
import dev.aigateway.internal.usage.UsageKey;
import dev.aigateway.internal.store.BackgroundWrites;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage events in a data directory: {@code DIR/usage/YYYY-MM-DD.jsonl}, one append-only file per UTC day
 * (of the event's timestamp), one JSON line per event with the reference's field names.
 *
 * <p>Durability: {@link #record} only adds the events to a queue in memory (they are listed at once; while
 * writes fail the queue holds at most a million events, and later ones are dropped with a warning). Every
 * {@code flushInterval} (default one second) a background thread appends the queued events to their day
 * files and forces each file once for the batch: there is no fsync per request, and a crash loses at most
 * the events of the last interval. {@link #close()} writes what is queued. A line torn by a crash (the
 * file's last line, without its line end) is cut off when the log is opened; a line that cannot be read
 * is skipped with a warning.
 *
 * <p>Retention: events older than the retention (default 30 days) are never listed nor summed, and a day
 * file whose whole day is past the retention is deleted (at open and after each batch).
 *
 * <p>Queries read the day files they need from disk, newest day first, so memory does not grow with the
 * events kept; a listing page reads whole day files, which suits thousands of requests a day rather than
 * millions (a database table with an index serves those).
 *
 * <p>Thread-safety: safe for concurrent use. Recording takes one short lock; a batch write excludes
 * queries while it appends, so no event is seen twice or missed.
 */
public final class DataDirectoryUsageLog implements UsageLog, AutoCloseable {
  static final String DIRECTORY = "usage";
  /** Events queued at most; beyond (the disk has been failing for a while) new events are dropped. */
  static final int MAX_QUEUED = 1_000_000;
  private static final String SUFFIX = ".jsonl";
  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryUsageLog.class);

  private final Path dir;
  private final Clock clock;
  private final Duration retention;
  private final Object queueLock = new Object();
  private List<UsageEvent> queued = new ArrayList<>();
  private final ReadWriteLock files = new ReentrantReadWriteLock();
  private final ScheduledExecutorService flusher;
  private volatile boolean closed;

  private DataDirectoryUsageLog(Path dir, Clock clock, Duration retention, Duration flushInterval) throws IOException {
    this.dir = dir;
    this.clock = clock;
    this.retention = retention;
    for (Path f : dayFiles().values()) {
      cutTornLine(f);
    }
    deleteExpired();
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aigateway-usage-flush");
      t.setDaemon(true);
      return t;
    });
    long nanos = flushInterval.toNanos();
    @SuppressWarnings("FutureReturnValueIgnored") // flushQuietly logs its own failures; close() cancels it
    java.util.concurrent.ScheduledFuture<?> unused =
        flusher.scheduleWithFixedDelay(this::flushQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Opens (creating if missing) the log in {@code dataDir/usage}: system clock, 30 days, one-second batches. */
  public static DataDirectoryUsageLog open(Path dataDir) {
    return open(dataDir, Clock.system(), DEFAULT_RETENTION, Duration.ofSeconds(1));
  }

  /**
   * Opens (creating if missing) the log in {@code dataDir/usage}.
   *
   * @param retention how long events are kept
   * @param flushInterval how often queued events are written: what a crash can lose at most
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public static DataDirectoryUsageLog open(Path dataDir, Clock clock, Duration retention, Duration flushInterval) {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clock, "clock");
    UsageLog.checkRetention(retention);
    Objects.requireNonNull(flushInterval, "flushInterval");
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flushInterval must be > 0 but was " + flushInterval);
    }
    Path dir = dataDir.resolve(DIRECTORY);
    try {
      Files.createDirectories(dir);
      return new DataDirectoryUsageLog(dir, clock, retention, flushInterval);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open the usage log in " + dir, e);
    }
  }

  @Override
  public void record(List<UsageEvent> events) {
    List<UsageEvent> copy = List.copyOf(events);
    boolean isClosed;
    synchronized (queueLock) { // checked under the lock close() sets it under: nothing is queued after its last write
      isClosed = closed;
      if (!isClosed && queued.size() + copy.size() <= MAX_QUEUED) {
        queued.addAll(copy);
        return;
      }
    }
    if (isClosed) {
      LOG.warn("the usage log is closed; {} usage events dropped", copy.size());
      return;
    }
    LOG.warn("{} usage events are waiting to be written to {}; {} more dropped", MAX_QUEUED, dir, copy.size());
  }

  /** Writes the queued events now, one force per day file; durable when this returns. */
  public void flush() {
    files.writeLock().lock();
    try {
      List<UsageEvent> batch;
      synchronized (queueLock) {
        batch = queued;
        queued = new ArrayList<>();
      }
      if (batch.isEmpty()) {
        return;
      }
      Map<LocalDate, List<UsageEvent>> byDay = new TreeMap<>();
      for (UsageEvent e : batch) {
        byDay.computeIfAbsent(day(e.timestamp()), d -> new ArrayList<>()).add(e);
      }
      List<UsageEvent> unwritten = new ArrayList<>();
      try {
        for (Map.Entry<LocalDate, List<UsageEvent>> d : byDay.entrySet()) {
          StringBuilder lines = new StringBuilder();
          d.getValue().forEach(e -> lines.append(UsageEventCodec.write(e)).append('\n'));
          append(file(d.getKey()), lines.toString().getBytes(StandardCharsets.UTF_8));
          d.setValue(List.of());
        }
      } catch (IOException e) {
        byDay.values().forEach(unwritten::addAll);
        synchronized (queueLock) { // the days not written are tried again with the next batch
          unwritten.addAll(queued);
          queued = unwritten;
        }
        throw new UncheckedIOException("could not write usage events to " + dir, e);
      }
      deleteExpired();
    } finally {
      files.writeLock().unlock();
    }
  }

  private static void append(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("writing usage events to {} failed; retried at the next interval", dir, e);
    }
  }

  @Override
  public EventPage list(Query query) {
    Objects.requireNonNull(query, "query");
    UsageKey after = query.cursor() == null ? null : UsageKey.parse(query.cursor());
    Instant from = from(query.start());
    files.readLock().lock();
    try {
      List<UsageEvent> pending = pending();
      NavigableSet<LocalDate> days = days(pending, from, query.end());
      List<UsageEvent> page = new ArrayList<>();
      for (LocalDate d : days.descendingSet()) {
        if (after != null && d.isAfter(day(after.timestamp()))) {
          continue;
        }
        List<UsageEvent> ofDay = new ArrayList<>();
        for (UsageEvent e : read(d)) {
          if (keep(e, query, from, after)) {
            ofDay.add(e);
          }
        }
        for (UsageEvent e : pending) {
          if (day(e.timestamp()).equals(d) && keep(e, query, from, after)) {
            ofDay.add(e);
          }
        }
        ofDay.sort((a, b) -> UsageKey.NEWEST_FIRST.compare(UsageKey.of(a), UsageKey.of(b)));
        for (UsageEvent e : ofDay) {
          if (page.size() == query.limit()) {
            return new EventPage(page, UsageKey.of(page.get(page.size() - 1)).cursor());
          }
          page.add(e);
        }
      }
      return new EventPage(page, null);
    } finally {
      files.readLock().unlock();
    }
  }

  private static boolean keep(UsageEvent e, Query query, Instant from, @Nullable UsageKey after) {
    return !e.timestamp().isBefore(from) && query.matches(e) && (after == null || after.isBefore(e));
  }

  @Override
  public List<Bucket> overview(@Nullable Instant start, @Nullable Instant end, GroupBy groupBy) {
    Objects.requireNonNull(groupBy, "groupBy");
    Instant from = from(start);
    OverviewSums sums = new OverviewSums(groupBy);
    files.readLock().lock();
    try {
      List<UsageEvent> pending = pending();
      for (LocalDate d : days(pending, from, end)) {
        for (UsageEvent e : read(d)) {
          if (!e.timestamp().isBefore(from) && (end == null || e.timestamp().isBefore(end))) {
            sums.add(e);
          }
        }
      }
      for (UsageEvent e : pending) {
        if (!e.timestamp().isBefore(from) && (end == null || e.timestamp().isBefore(end))) {
          sums.add(e);
        }
      }
      return sums.buckets();
    } finally {
      files.readLock().unlock();
    }
  }

  private Instant from(@Nullable Instant start) {
    Instant cutoff = clock.now().minus(retention);
    return start == null || start.isBefore(cutoff) ? cutoff : start;
  }

  private List<UsageEvent> pending() {
    synchronized (queueLock) {
      return List.copyOf(queued);
    }
  }

  /** The days with a file or a queued event in {@code [from, end)}. */
  private NavigableSet<LocalDate> days(List<UsageEvent> pending, Instant from, @Nullable Instant end) {
    NavigableSet<LocalDate> days = new TreeSet<>();
    try {
      days.addAll(dayFiles().keySet());
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + dir, e);
    }
    pending.forEach(e -> days.add(day(e.timestamp())));
    LocalDate first = day(from);
    days.removeIf(d -> d.isBefore(first) || (end != null && !d.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end)));
    return days;
  }

  private List<UsageEvent> read(LocalDate d) {
    Path f = file(d);
    List<UsageEvent> out = new ArrayList<>();
    if (!Files.exists(f)) {
      return out;
    }
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = r.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(UsageEventCodec.read(line));
        } catch (IllegalArgumentException e) {
          LOG.warn("skipped an unreadable usage event at {} line {}", f, number);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + f, e);
    }
    return out;
  }

  private Map<LocalDate, Path> dayFiles() throws IOException {
    Map<LocalDate, Path> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        try {
          out.put(LocalDate.parse(name.substring(0, name.length() - SUFFIX.length())), p);
        } catch (DateTimeParseException e) {
          // not one of ours: left alone
        }
      }
    }
    return out;
  }

  private void deleteExpired() {
    LocalDate firstKept = day(clock.now().minus(retention));
    try {
      for (Map.Entry<LocalDate, Path> f : dayFiles().entrySet()) {
        if (f.getKey().isBefore(firstKept)) {
          Files.deleteIfExists(f.getValue());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not delete expired usage files in {}; retried after the next batch", dir, e);
    }
  }

  /** Cuts a last line that has no line end (a write torn by a crash). */
  private static void cutTornLine(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long keep = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (keep > 0) {
        one.clear();
        ch.read(one, keep - 1);
        if (one.get(0) == '\n') {
          break;
        }
        keep--;
      }
      if (keep < size) {
        LOG.warn("cut a torn last line ({} bytes) from {}", size - keep, f);
        ch.truncate(keep);
        ch.force(false);
      }
    }
  }

  private Path file(LocalDate d) {
    return dir.resolve(d + SUFFIX);
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  /** Writes what is queued and stops the background thread; later events are dropped with a warning. Idempotent. */
  @Override
  public void close() {
    // the last write runs with the interrupt flag cleared (it would close the file channel), set again afterwards
    boolean interrupted = BackgroundWrites.stopForLastWrite(flusher);
    try {
      synchronized (queueLock) {
        if (closed) {
          return;
        }
        closed = true; // from now on nothing is queued: what is queued is all the last write has to write
      }
      flush();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "DataDirectoryUsageLog[" + dir + ", retention=" + retention + "]";
  }
}
