package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.testing.FakeClock;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What the usage log writes when things go wrong: events racing close(), an event that cannot be encoded or
 * that the database refuses, failures other than SQL. Each test checks the table itself.
 */
final class JdbcUsageLogFaultTest {
  private final String schema = TestDatabase.newSchema();
  private final FakeClock clock = FakeClock.create();
  private final FaultyDataSource faulty = new FaultyDataSource(TestDatabase.get().dataSource());

  private JdbcUsageLog open(Duration flushInterval) {
    return JdbcUsageLog.builder().dataSource(faulty.dataSource()).schema(schema).clock(clock)
        .flushInterval(flushInterval).build();
  }

  private UsageEvent event(String requestId) {
    return event(requestId, "gpt-4o", "stop");
  }

  private UsageEvent event(String requestId, String model, String stopReason) {
    return new UsageEvent(clock.now(), requestId, "aigk_1", 1, true, 200, false, false, stopReason, 10, 5, 0, 0, 7,
        KeySource.USER, "aigpk_1", "openai", model);
  }

  private List<String> requestIds() throws Exception {
    return requestIds(schema);
  }

  private static List<String> requestIds(String schema) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.get().connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select request_id from " + schema + ".usage_events order by request_id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private List<UsageEvent> batch(String prefix, int n) {
    List<UsageEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(String.format("%s%03d", prefix, i)));
    }
    return out;
  }

  @Test
  void recordsRacingClose_areEachWrittenOrRefused_neverLost() throws Exception {
    for (int round = 0; round < 10; round++) { // the race is timing-dependent: rounds make it show
      raceClose(TestDatabase.newSchema());
    }
  }

  /**
   * Many threads record while one of them closes the log mid-way; afterwards every event is in the table or
   * was refused (counted, and logged), and none is there twice.
   */
  private void raceClose(String raceSchema) throws Exception {
    JdbcUsageLog log = JdbcUsageLog.builder().dataSource(faulty.dataSource()).schema(raceSchema).clock(clock)
        .flushInterval(Duration.ofHours(1)).build();
    int threads = 12; // more threads than cores: some are always on their way into record
    int maxPerThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean closeReturned = new AtomicBoolean();
    List<Future<Integer>> made = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        made.add(pool.submit(() -> {
          start.await();
          int n = 0;
          while (n < maxPerThread && !closeReturned.get()) {
            log.record(List.of(event("rq_" + thread + "_" + n)));
            if (++n == 300 && thread == 0) { // the others go on recording while this one closes
              log.close();
              closeReturned.set(true);
            }
          }
          return n;
        }));
      }
      start.countDown();
      long recorded = 0;
      for (Future<Integer> f : made) {
        recorded += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(closeReturned).isTrue();
      List<String> written = requestIds(raceSchema);
      assertThat(new HashSet<>(written)).hasSize(written.size());
      assertThat((long) written.size()).as("every event is written or refused with a warning")
          .isEqualTo(recorded - log.droppedEvents());
      assertThat(written).hasSizeGreaterThanOrEqualTo(300);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPoisonEvent_whoseEncodingThrows_doesNotLoseTheOtherEventsOfItsBatch() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofHours(1))) {
      List<UsageEvent> events = batch("rq_", 40);
      events.set(17, event("rq_poison"));
      log.record(events);
      faulty.failArraysHolding("rq_poison");
      log.flush();
      List<String> written = requestIds();
      assertThat(written).hasSize(39).doesNotContain("rq_poison").contains("rq_000", "rq_016", "rq_018", "rq_039");
      assertThat(log.setAsideEvents()).isEqualTo(1);
      log.record(List.of(event("rq_after")));
      log.flush(); // the poison event is not retried: set aside once, logged once
      assertThat(requestIds()).hasSize(40).contains("rq_after");
      assertThat(log.setAsideEvents()).isEqualTo(1);
    }
  }

  @Test
  void anEncodingFailureOfEveryEvent_isTakenAsSystematic_andKeepsThemAllQueued() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofHours(1))) {
      log.record(List.of(event("rq_only")));
      faulty.failArraysHolding("rq_only"); // nothing of the flush can be written: not one event's fault
      assertThatThrownBy(log::flush).isInstanceOf(JdbcStoreException.class)
          .hasMessageContaining("1 usage events").hasMessageContaining("IllegalArgumentException");
      assertThat(log.setAsideEvents()).isZero();
      faulty.failArraysHolding(null);
      log.flush();
      assertThat(requestIds()).containsExactly("rq_only");
    }
  }

  @Test
  void rowsTheDatabaseRefuses_areSetAside_andTheRestOfTheBatchIsWritten() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofHours(1))) {
      // as an operator's constraint might: a check that two events of the batch fail
      TestDatabase.get().execute("alter table " + schema + ".usage_events add constraint no_refused "
          + "check (model <> 'refused')");
      List<UsageEvent> events = batch("rq_", 6_000); // more than one statement's rows
      events.set(3, event("rq_bad_1", "refused", "stop"));
      events.set(5_500, event("rq_bad_2", "refused", "stop"));
      log.record(events);
      log.flush();
      List<String> written = requestIds();
      assertThat(written).hasSize(5_998).doesNotContain("rq_bad_1", "rq_bad_2");
      assertThat(log.setAsideEvents()).isEqualTo(2);
    }
  }

  @Test
  void moreRefusedRowsThanTheBound_stayQueued_andTheFlushFails() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofHours(1))) {
      TestDatabase.get().execute("alter table " + schema + ".usage_events add constraint no_refused "
          + "check (model <> 'refused')");
      List<UsageEvent> events = new ArrayList<>();
      for (int i = 0; i < JdbcUsageLog.MAX_SET_ASIDE + 50; i++) {
        events.add(event(String.format("rq_%04d", i), "refused", "stop"));
      }
      log.record(events);
      assertThatThrownBy(log::flush).isInstanceOf(JdbcStoreException.class).hasMessageContaining("SQL state 23514");
      assertThat(log.setAsideEvents()).isEqualTo(JdbcUsageLog.MAX_SET_ASIDE);
      TestDatabase.get().execute("alter table " + schema + ".usage_events drop constraint no_refused");
      log.flush();
      assertThat(requestIds()).hasSize(50);
    }
  }

  @Test
  void aNulCharacter_isWrittenAsAReplacementCharacter_notRefused() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofHours(1))) {
      log.record(List.of(event("rq_1", "gpt\u00004o", "end\u0000")));
      log.flush();
      List<UsageEvent> listed = log.list(UsageLog.Query.all()).events();
      assertThat(listed).hasSize(1);
      assertThat(listed.get(0).model()).isEqualTo("gpt\uFFFD4o");
      assertThat(listed.get(0).stopReason()).isEqualTo("end\uFFFD");
      assertThat(log.setAsideEvents()).isZero();
    }
  }

  @Test
  void aFailureOtherThanSql_keepsTheBatch_andTheBackgroundThreadGoesOn() throws Exception {
    try (JdbcUsageLog log = open(Duration.ofMillis(20))) {
      faulty.failNextPrepare(new AssertionError("the driver broke (test)"));
      log.record(List.of(event("rq_1")));
      for (int i = 0; i < 500 && requestIds().isEmpty(); i++) {
        Thread.sleep(20);
      }
      assertThat(requestIds()).containsExactly("rq_1");
      faulty.failNextPrepare(new IllegalStateException("the pool broke (test)"));
      log.record(List.of(event("rq_2")));
      for (int i = 0; i < 500 && requestIds().size() < 2; i++) {
        Thread.sleep(20);
      }
      assertThat(requestIds()).containsExactly("rq_1", "rq_2");
      Set<String> ids = new HashSet<>(requestIds());
      assertThat(ids).hasSize(2);
    }
  }
}
