package dev.aigateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite for {@link UsageLog} implementations: filters, newest-first paging with an opaque
 * cursor (no duplicate, no gap, new events never on a walk already started), retention on a fake clock,
 * the daily overview, and nothing lost under concurrent recording. Answer a new, empty log from
 * {@link #newLog}; it is closed after each test when it is {@link AutoCloseable}.
 *
 * <pre>{@code
 * final class PostgresUsageLogContractTest extends UsageLogContract {
 *   protected UsageLog newLog(FakeClock clock, Duration retention) {
 *     database.truncateUsage();
 *     return PostgresUsageLog.create(dataSource, clock, retention);
 *   }
 * }
 * }</pre>
 */
public abstract class UsageLogContract {
  /** The retention the suite's logs are opened with. */
  protected static final Duration RETENTION = Duration.ofDays(30);

  private final FakeClock clock = FakeClock.at(Instant.parse("2026-11-20T10:00:00Z"));
  private UsageLog log;

  /** Subclasses are constructed by JUnit. */
  protected UsageLogContract() {}

  /** A new, empty log that reads the time from {@code clock} and keeps events for {@code retention}. */
  protected abstract UsageLog newLog(FakeClock clock, Duration retention) throws Exception;

  /** The log under test. */
  protected final UsageLog log() {
    return log;
  }

  /** The suite's clock (starts at 2026-11-20T10:00:00Z). */
  protected final FakeClock clock() {
    return clock;
  }

  @BeforeEach
  final void openLog() throws Exception {
    log = newLog(clock, RETENTION);
  }

  @AfterEach
  final void closeLog() throws Exception {
    if (log instanceof AutoCloseable c) {
      c.close();
    }
  }

  /**
   * One event.
   *
   * @param status the upstream status (0: no response)
   * @param cost micro-cents
   */
  protected static UsageEvent event(Instant at, String requestId, String accessKeyId, int attempt, boolean last,
      int status, String provider, long cost) {
    return new UsageEvent(at, requestId, accessKeyId, attempt, last, status, false, false, null, 10, 5, 0, 0, cost,
        KeySource.USER, "aigpk_" + provider, provider, "m-" + provider);
  }

  /** A request of one served attempt at {@code at}. */
  protected static List<UsageEvent> served(Instant at, String requestId, String accessKeyId, String provider) {
    return List.of(event(at, requestId, accessKeyId, 1, true, 200, provider, 100));
  }

  private List<UsageEvent> walk(UsageLog.Query query) {
    List<UsageEvent> all = new ArrayList<>();
    UsageLog.Query q = query;
    for (int pages = 0; pages < 10_000; pages++) {
      UsageLog.EventPage page = log.list(q);
      assertThat(page.events().size()).isLessThanOrEqualTo(query.limit());
      all.addAll(page.events());
      if (page.nextCursor() == null) {
        return all;
      }
      q = q.withCursor(page.nextCursor());
    }
    throw new AssertionError("the walk did not end");
  }

  private static UsageLog.Query query(int limit) {
    return new UsageLog.Query(null, null, null, true, null, limit);
  }

  @Test
  void recordedEvents_areListedNewestFirst_withEveryField() {
    Instant t = clock.now();
    List<UsageEvent> failover = List.of(event(t, "rq_a", "aigk_1", 1, false, 429, "openai", 0),
        event(t, "rq_a", "aigk_1", 2, true, 200, "anthropic", 250));
    log.record(failover);
    log.record(served(t.plusSeconds(1), "rq_b", "aigk_1", "openai"));
    List<UsageEvent> listed = log.list(UsageLog.Query.all()).events();
    assertThat(listed).extracting(UsageEvent::requestId).containsExactly("rq_b", "rq_a", "rq_a");
    assertThat(listed.get(1)).isEqualTo(failover.get(1));
    assertThat(listed.get(2)).isEqualTo(failover.get(0));
  }

  @Test
  void withoutRetries_onlyFinalAttemptsAreListed() {
    Instant t = clock.now();
    log.record(List.of(event(t, "rq_a", "aigk_1", 1, false, 500, "openai", 0),
        event(t, "rq_a", "aigk_1", 2, true, 200, "openai", 10)));
    UsageLog.Query finals = new UsageLog.Query(null, null, null, false, null, 100);
    assertThat(log.list(finals).events()).extracting(UsageEvent::attemptNumber).containsExactly(2);
    assertThat(log.list(UsageLog.Query.all()).events()).hasSize(2);
  }

  @Test
  void filters_selectByAccessKeyAndTime_startInclusiveEndExclusive() {
    Instant t = clock.now();
    log.record(served(t.minusSeconds(120), "rq_1", "aigk_a", "openai"));
    log.record(served(t.minusSeconds(60), "rq_2", "aigk_b", "openai"));
    log.record(served(t, "rq_3", "aigk_a", "openai"));
    assertThat(log.list(new UsageLog.Query(null, null, "aigk_a", true, null, 100)).events())
        .extracting(UsageEvent::requestId).containsExactly("rq_3", "rq_1");
    assertThat(log.list(new UsageLog.Query(t.minusSeconds(60), t, null, true, null, 100)).events())
        .extracting(UsageEvent::requestId).containsExactly("rq_2");
    assertThat(log.list(new UsageLog.Query(t.minusSeconds(200), null, "aigk_b", true, null, 100)).events())
        .extracting(UsageEvent::requestId).containsExactly("rq_2");
    assertThat(log.list(new UsageLog.Query(null, null, "aigk_none", true, null, 100)).events()).isEmpty();
  }

  @Test
  void paging_walksEveryEventOnce_acrossDays_evenWhileNewEventsArrive() {
    Instant t = clock.now();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 57; i++) {
      // three days, several events sharing one timestamp, two attempts for some requests
      Instant at = t.minus(Duration.ofDays(i % 3)).minusSeconds(i / 4);
      String rq = "rq_" + i;
      if (i % 5 == 0) {
        log.record(List.of(event(at, rq, "aigk_1", 1, false, 503, "openai", 0),
            event(at, rq, "aigk_1", 2, true, 200, "openai", 5)));
        expected.add(rq + "#1");
      } else {
        log.record(served(at, rq, "aigk_1", "openai"));
      }
      expected.add(rq + "#" + (i % 5 == 0 ? 2 : 1));
    }
    UsageLog.EventPage first = log.list(query(7));
    assertThat(first.events()).hasSize(7);
    assertThat(first.nextCursor()).isNotNull();
    log.record(served(t.plusSeconds(5), "rq_new", "aigk_1", "openai")); // after the walk began: on no page of it
    List<UsageEvent> rest = walk(query(7).withCursor(first.nextCursor()));
    List<UsageEvent> all = new ArrayList<>(first.events());
    all.addAll(rest);
    List<String> ids = all.stream().map(e -> e.requestId() + "#" + e.attemptNumber()).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(expected);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).timestamp()).isBeforeOrEqualTo(all.get(i - 1).timestamp());
    }
    assertThat(walk(query(100)).stream().map(UsageEvent::requestId)).contains("rq_new").hasSize(expected.size() + 1);
  }

  @Test
  void aLastPageThatIsExactlyFull_endsTheWalk() {
    Instant t = clock.now();
    for (int i = 0; i < 4; i++) {
      log.record(served(t.minusSeconds(i), "rq_" + i, "aigk_1", "openai"));
    }
    UsageLog.EventPage second = log.list(query(2).withCursor(log.list(query(2)).nextCursor()));
    assertThat(second.events()).extracting(UsageEvent::requestId).containsExactly("rq_2", "rq_3");
    assertThat(second.nextCursor()).isNull();
    assertThat(walk(query(2))).hasSize(4);
  }

  @Test
  void aCursorThisLogDidNotMake_isRefused() {
    assertThatThrownBy(() -> log.list(UsageLog.Query.all().withCursor("not-a-cursor")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retention_dropsEventsOlderThanIt() {
    Instant t = clock.now();
    log.record(served(t.minus(Duration.ofDays(29)), "rq_old", "aigk_1", "openai"));
    log.record(served(t, "rq_recent", "aigk_1", "openai"));
    assertThat(log.list(UsageLog.Query.all()).events()).hasSize(2);
    clock.advance(Duration.ofDays(2));
    assertThat(log.list(UsageLog.Query.all()).events()).extracting(UsageEvent::requestId).containsExactly("rq_recent");
    assertThat(log.overview(null, null, UsageLog.GroupBy.PROVIDER)).hasSize(1);
    clock.advance(Duration.ofDays(29));
    assertThat(log.list(UsageLog.Query.all()).events()).isEmpty();
    assertThat(log.overview(null, null, UsageLog.GroupBy.PROVIDER)).isEmpty();
  }

  @Test
  void overview_sumsDailyBuckets_costOverAttempts_requestsAndErrorsOverFinalAttempts() {
    Instant day1 = Instant.parse("2026-11-19T23:59:59Z");
    Instant day2 = Instant.parse("2026-11-20T00:00:00Z");
    log.record(List.of(event(day1, "rq_1", "aigk_a", 1, false, 429, "openai", 7),
        event(day1, "rq_1", "aigk_a", 2, true, 200, "anthropic", 100)));
    log.record(List.of(event(day1, "rq_2", "aigk_b", 1, true, 500, "openai", 0)));
    log.record(List.of(event(day2, "rq_3", "aigk_a", 1, true, 200, "openai", 40)));
    log.record(List.of(event(day2, "rq_4", "aigk_a", 1, true, 0, "openai", 0)));
    Instant d1 = Instant.parse("2026-11-19T00:00:00Z");
    assertThat(log.overview(null, null, UsageLog.GroupBy.PROVIDER)).containsExactly(
        new UsageLog.Bucket(d1, "anthropic", 100, 1, 0),
        new UsageLog.Bucket(d1, "openai", 7, 1, 1),
        new UsageLog.Bucket(day2, "openai", 40, 2, 1));
    assertThat(log.overview(null, null, UsageLog.GroupBy.ACCESS_KEY)).containsExactly(
        new UsageLog.Bucket(d1, "aigk_a", 107, 1, 0),
        new UsageLog.Bucket(d1, "aigk_b", 0, 1, 1),
        new UsageLog.Bucket(day2, "aigk_a", 40, 2, 1));
    assertThat(log.overview(day2, null, UsageLog.GroupBy.ACCESS_KEY)).containsExactly(
        new UsageLog.Bucket(day2, "aigk_a", 40, 2, 1));
    assertThat(log.overview(null, day2, UsageLog.GroupBy.ACCESS_KEY)).hasSize(2);
  }

  @Test
  void concurrentRecording_losesAndDuplicatesNothing() throws Exception {
    int threads = 8;
    long perThread = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    Instant t = clock.now();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int th = 0; th < threads; th++) {
        int id = th;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            log.record(List.of(event(t.minusMillis(i), "rq_" + id + "_" + i, "aigk_" + id, 1, false, 429, "openai", 1),
                event(t.minusMillis(i), "rq_" + id + "_" + i, "aigk_" + id, 2, true, 200, "openai", 2)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<UsageEvent> all = walk(new UsageLog.Query(null, null, null, true, null, UsageLog.MAX_PAGE));
    assertThat(all).hasSize(Math.toIntExact(threads * perThread * 2));
    assertThat(all.stream().map(e -> e.requestId() + "#" + e.attemptNumber()).distinct().count())
        .isEqualTo(threads * perThread * 2L);
    List<UsageLog.Bucket> overview = log.overview(null, null, UsageLog.GroupBy.PROVIDER);
    assertThat(overview).containsExactly(new UsageLog.Bucket(t.truncatedTo(java.time.temporal.ChronoUnit.DAYS),
        "openai", threads * perThread * 3L, threads * perThread, 0));
  }
}
