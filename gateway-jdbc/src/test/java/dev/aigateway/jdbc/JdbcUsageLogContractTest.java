package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.UsageLogContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conformance suite against a real PostgreSQL, each test in a new schema; batching, retention, plans. */
final class JdbcUsageLogContractTest extends UsageLogContract {
  private String schema;

  @Override
  protected UsageLog newLog(FakeClock clock, Duration retention) {
    schema = TestDatabase.newSchema();
    return open(clock, retention, Duration.ofHours(1));
  }

  private JdbcUsageLog open(FakeClock clock, Duration retention, Duration flushInterval) {
    return JdbcUsageLog.builder().dataSource(TestDatabase.get().dataSource()).schema(schema).clock(clock)
        .retention(retention).flushInterval(flushInterval).build();
  }

  private long rows() throws Exception {
    try (Connection c = TestDatabase.get().connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + schema + ".usage_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void record_writesNothingOnTheCallingThread_andTheBatchWritesItAll() throws Exception {
    JdbcUsageLog log = (JdbcUsageLog) log();
    Instant t = clock().now();
    log.record(List.of(event(t, "rq_1", "aigk_1", 1, false, 429, "openai", 3),
        event(t, "rq_1", "aigk_1", 2, true, 200, "anthropic", 90)));
    assertThat(rows()).as("queued, not written").isZero();
    log.flush();
    assertThat(rows()).isEqualTo(2);
    List<UsageEvent> before = log.list(UsageLog.Query.all()).events();
    log.close();
    try (JdbcUsageLog again = open(clock(), RETENTION, Duration.ofHours(1))) {
      assertThat(again.list(UsageLog.Query.all()).events()).isEqualTo(before);
    }
  }

  @Test
  void theBackgroundThread_writesBatchesByItself() throws Exception {
    try (JdbcUsageLog fast = open(clock(), RETENTION, Duration.ofMillis(20))) {
      fast.record(served(clock().now(), "rq_1", "aigk_1", "openai"));
      for (int i = 0; i < 250 && rows() == 0; i++) {
        Thread.sleep(20);
      }
      assertThat(rows()).isEqualTo(1);
    }
  }

  @Test
  void aBatchTheDatabaseRefuses_staysQueued_andIsWrittenOnceItIsBack() throws Exception {
    JdbcUsageLog log = (JdbcUsageLog) log();
    Instant t = clock().now();
    log.record(served(t, "rq_1", "aigk_1", "openai"));
    TestDatabase.get().execute("alter table " + schema + ".usage_events rename to usage_events_away");
    try {
      assertThatThrownBy(log::flush).isInstanceOf(JdbcStoreException.class).hasMessageContaining("1 usage events");
      log.record(served(t.plusSeconds(1), "rq_2", "aigk_1", "openai"));
    } finally {
      TestDatabase.get().execute("alter table " + schema + ".usage_events_away rename to usage_events");
    }
    log.flush();
    assertThat(rows()).isEqualTo(2);
    assertThat(log.list(UsageLog.Query.all()).events()).extracting(UsageEvent::requestId)
        .containsExactly("rq_2", "rq_1");
  }

  @Test
  void aBatchWrittenTwice_countsOnce() throws Exception {
    JdbcUsageLog log = (JdbcUsageLog) log();
    List<UsageEvent> request = served(clock().now(), "rq_1", "aigk_1", "openai");
    log.record(request);
    log.flush();
    log.record(request); // as after a commit whose answer was lost
    log.flush();
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void nanosecondTimestamps_areKeptExactly_andOrderAsInJava() {
    JdbcUsageLog log = (JdbcUsageLog) log();
    Instant t = Instant.parse("2026-11-20T09:00:00.123456789Z");
    // request ids whose order differs between a linguistic collation and Java's String order
    List<UsageEvent> events = new ArrayList<>();
    for (String rq : List.of("rq_a", "rq_B", "rq_Z", "rq_b", "rq_1", "rq__")) {
      events.add(event(t, rq, "aigk_1", 1, true, 200, "openai", 1));
    }
    log.record(events);
    List<UsageEvent> listed = new ArrayList<>();
    UsageLog.Query q = new UsageLog.Query(null, null, null, true, null, 2);
    for (int i = 0; i < 10; i++) {
      UsageLog.EventPage page = log.list(q);
      listed.addAll(page.events());
      if (page.nextCursor() == null) {
        break;
      }
      q = q.withCursor(page.nextCursor());
    }
    assertThat(listed).extracting(UsageEvent::requestId).containsExactly("rq_b", "rq_a", "rq__", "rq_Z", "rq_B",
        "rq_1");
    assertThat(listed.get(0).timestamp()).isEqualTo(t);
  }

  @Test
  void thePurge_deletesRowsPastTheRetention() throws Exception {
    JdbcUsageLog log = (JdbcUsageLog) log();
    Instant t = clock().now();
    log.record(served(t.minus(Duration.ofDays(20)), "rq_old", "aigk_1", "openai"));
    log.record(served(t, "rq_new", "aigk_1", "openai"));
    log.flush();
    assertThat(log.purge()).isZero();
    clock().advance(Duration.ofDays(15));
    assertThat(log.purge()).isEqualTo(1);
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void theListingAndTheOverview_useTheIndexes() throws Exception {
    JdbcUsageLog log = (JdbcUsageLog) log();
    Instant t = clock().now();
    List<UsageEvent> many = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      many.add(event(t.minusSeconds(i * 4L % 86_400), "rq_" + i, "aigk_" + (i % 50), 1, true, 200, "openai", 1));
    }
    log.record(many);
    log.flush();
    try (Connection c = TestDatabase.get().connection(); Statement st = c.createStatement()) {
      st.execute("analyze " + schema + ".usage_events");
      assertThat(plan(st, "select * from " + schema + ".usage_events where ts_nanos >= 0 and (ts_nanos, request_id, "
          + "attempt_number) < (1795168800000000000, 'rq_5' collate \"C\", 1) order by ts_nanos desc, request_id desc, "
          + "attempt_number desc limit 101")).contains("usage_events_order");
      assertThat(plan(st, "select * from " + schema + ".usage_events where ts_nanos >= 0 and access_key_id = "
          + "'aigk_7' order by ts_nanos desc, request_id desc, attempt_number desc limit 101"))
          .contains("usage_events_access_key");
    }
    assertThat(log.overview(null, null, UsageLog.GroupBy.ACCESS_KEY)).hasSize(100);
  }

  private static String plan(Statement st, String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (ResultSet rs = st.executeQuery("explain " + sql)) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
    }
    return out.toString();
  }
}
