package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.config.Budget;
import dev.aigateway.config.BudgetPeriod;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.admin.AdminJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code limits} block of a configuration: reading, writing, validation with paths, budget periods. */
final class LimitsConfigurationTest {
  private static final String DESIGN = "{\"name\":\"n\",\"limits\":{\"requestsPerMinute\":600,"
      + "\"tokensPerMinute\":200000,\"concurrentRequests\":20,\"budget\":{\"amountCents\":5000,\"period\":\"month\"}}}";

  @Test
  void designExample_readsAndWritesBackTheSameLimits() {
    AccessKeyConfiguration c = ConfigurationJson.parse(DESIGN);
    AccessKeyLimits l = c.limits();
    assertThat(l.requestsPerMinute()).isEqualTo(600);
    assertThat(l.tokensPerMinute()).isEqualTo(200_000L);
    assertThat(l.concurrentRequests()).isEqualTo(20);
    assertThat(l.budget()).isEqualTo(new Budget(5000, BudgetPeriod.MONTH));
    String written = ConfigurationJson.write(c);
    assertThat(written).contains("\"limits\":{\"requestsPerMinute\":600,\"tokensPerMinute\":200000,"
        + "\"concurrentRequests\":20,\"budget\":{\"amountCents\":5000,\"period\":\"month\"}}");
    assertThat(ConfigurationJson.parse(written)).isEqualTo(c);
  }

  @Test
  void omittedOrEmptyLimits_meanNoLimit() {
    assertThat(ConfigurationJson.parse("{\"name\":\"n\"}").limits()).isNull();
    assertThat(ConfigurationJson.parse("{\"name\":\"n\",\"limits\":{}}").limits()).isNull();
    assertThat(ConfigurationJson.parse("{\"name\":\"n\",\"limits\":null}").limits()).isNull();
    assertThat(ConfigurationJson.write(ConfigurationJson.parse("{\"name\":\"n\"}"))).doesNotContain("limits");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"requestsPerMinute\":0}|limits.requestsPerMinute|must be a positive integer",
      "{\"requestsPerMinute\":-5}|limits.requestsPerMinute|must be a positive integer",
      "{\"requestsPerMinute\":1.5}|limits.requestsPerMinute|must be a positive integer",
      "{\"requestsPerMinute\":\"600\"}|limits.requestsPerMinute|but was a string",
      "{\"requestsPerMinute\":99999999999999999999999}|limits.requestsPerMinute|must be a positive integer",
      "{\"tokensPerMinute\":true}|limits.tokensPerMinute|but was a boolean",
      "{\"concurrentRequests\":0}|limits.concurrentRequests|must be a positive integer",
      "{\"concurrentRequests\":3000000000}|limits.concurrentRequests|at most 2147483647",
      "{\"rpm\":5}|limits.rpm|unknown field",
      "{\"budget\":{\"period\":\"month\"}}|limits.budget.amountCents|is required",
      "{\"budget\":{\"amountCents\":0,\"period\":\"month\"}}|limits.budget.amountCents|must be a positive integer",
      "{\"budget\":{\"amountCents\":5}}|limits.budget.period|is required",
      "{\"budget\":{\"amountCents\":5,\"period\":\"year\"}}|limits.budget.period|must be one of day, week, month, total",
      "{\"budget\":{\"amountCents\":5,\"period\":\"month\",\"currency\":\"usd\"}}|limits.budget.currency|unknown field",
      "{\"budget\":5}|limits.budget|must be an object",
      "[]|limits|must be an object",
  })
  void badLimits_areRefusedNamingTheirPath(String limits, String path, String rule) {
    assertThatThrownBy(() -> ConfigurationJson.parse("{\"name\":\"n\",\"limits\":" + limits + "}"))
        .isInstanceOfSatisfying(ConfigurationException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.getMessage()).startsWith(path + ": ").contains(rule);
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
        });
  }

  @Test
  void patchBody_replacesLimitsWhole_andNullClearsThem() {
    ConfigurationChange set = AdminJson.configurationChange("{\"limits\":{\"concurrentRequests\":2}}");
    assertThat(set.limits().isPresent()).isTrue();
    assertThat(set.limits().value().concurrentRequests()).isEqualTo(2);
    ConfigurationChange cleared = AdminJson.configurationChange("{\"limits\":null}");
    assertThat(cleared.limits().isPresent()).isTrue();
    assertThat(cleared.limits().value()).isNull();
    assertThat(AdminJson.configurationChange("{\"name\":\"x\"}").limits().isPresent()).isFalse();
    assertThatThrownBy(() -> AdminJson.configurationChange("{\"limits\":{\"requestsPerMinute\":-1}}"))
        .hasMessageStartingWith("limits.requestsPerMinute: must be a positive integer");
  }

  @Test
  void managementApiJson_showsTheLimitsOfAStoredConfiguration() {
    dev.aigateway.spi.KeyStore store = dev.aigateway.spi.KeyStore.inMemory();
    try (dev.aigateway.Gateway g = dev.aigateway.Gateway.builder().keyStore(store).build()) {
      AccessKeyConfiguration c = g.admin().configurations().create(ConfigurationJson.parseCreate(DESIGN));
      String json = new dev.aigateway.internal.admin.http.AdminCodec(store).configuration(c).toString();
      assertThat(json).contains("\"limits\":{\"requestsPerMinute\":600,\"tokensPerMinute\":200000,"
          + "\"concurrentRequests\":20,\"budget\":{\"amountCents\":5000,\"period\":\"month\"}}");
      AccessKeyConfiguration cleared = g.admin().configurations().update(c.id(),
          AdminJson.configurationChange("{\"limits\":null}"));
      assertThat(cleared.limits()).isNull();
      assertThat(new dev.aigateway.internal.admin.http.AdminCodec(store).configuration(cleared).toString())
          .doesNotContain("limits");
    }
  }

  @Test
  void limits_surviveARestartOfTheDataDirectoryStore(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String id;
    try (dev.aigateway.store.DataDirectoryKeyStore store = dev.aigateway.store.DataDirectoryKeyStore.open(dir, null);
        dev.aigateway.Gateway g = dev.aigateway.Gateway.builder().keyStore(store).build()) {
      id = g.admin().configurations().create(ConfigurationJson.parseCreate(DESIGN)).id();
    }
    try (dev.aigateway.store.DataDirectoryKeyStore store = dev.aigateway.store.DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.configuration(id).limits()).isEqualTo(ConfigurationJson.parse(DESIGN).limits());
    }
  }

  @Test
  void builders_refuseValuesThatAreNotPositive() {
    assertThatThrownBy(() -> AccessKeyLimits.builder().requestsPerMinute(0))
        .hasMessage("requestsPerMinute must be > 0 but was 0");
    assertThatThrownBy(() -> AccessKeyLimits.builder().tokensPerMinute(-1L))
        .hasMessage("tokensPerMinute must be > 0 but was -1");
    assertThatThrownBy(() -> new Budget(0, BudgetPeriod.DAY)).hasMessage("amountCents must be > 0 but was 0");
  }

  @ParameterizedTest
  @CsvSource({
      "DAY,   2026-11-22T23:59:59Z, 2026-11-22T00:00:00Z, 2026-11-23T00:00:00Z, day:2026-11-22",
      "WEEK,  2026-11-22T10:00:00Z, 2026-11-16T00:00:00Z, 2026-11-23T00:00:00Z, week:2026-11-16",
      "WEEK,  2026-11-23T00:00:00Z, 2026-11-23T00:00:00Z, 2026-11-30T00:00:00Z, week:2026-11-23",
      "MONTH, 2026-12-31T23:59:59Z, 2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z, month:2026-12",
      "MONTH, 2028-02-29T12:00:00Z, 2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z, month:2028-02",
  })
  void budgetPeriods_areCalendarPeriodsInUtc(BudgetPeriod period, String at, String start, String end, String id) {
    Instant t = Instant.parse(at);
    assertThat(period.start(t)).isEqualTo(Instant.parse(start));
    assertThat(period.end(t)).isEqualTo(Instant.parse(end));
    assertThat(period.periodId(t)).isEqualTo(id);
  }

  @Test
  void totalBudget_neverRenews() {
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    assertThat(BudgetPeriod.TOTAL.periodId(t)).isEqualTo("total");
    assertThat(BudgetPeriod.TOTAL.periodId(t.plusSeconds(86_400L * 4000))).isEqualTo("total");
    assertThat(BudgetPeriod.TOTAL.end(t)).isEqualTo(Instant.MAX);
  }
}
