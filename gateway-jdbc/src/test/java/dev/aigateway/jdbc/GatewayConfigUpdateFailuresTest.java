package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.Gateway;
import dev.aigateway.config.ConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Gateway#updateGatewayConfig} on PostgreSQL when the change is refused: the refusal comes out as it was
 * thrown (a {@code ConfigurationException} stays one, so the management API answers its usual 400 with the JSON
 * path), nothing is stored, and the connection and the advisory lock are given back; and a row this instance
 * cannot read does not stop a change from replacing it.
 */
final class GatewayConfigUpdateFailuresTest {
  private final List<JdbcKeyStore> stores = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();
  private String schema;

  @BeforeEach
  void createSchema() {
    schema = TestDatabase.newSchema();
  }

  @AfterEach
  void stop() {
    gateways.forEach(Gateway::close);
    stores.forEach(JdbcKeyStore::close);
  }

  private Gateway open() {
    JdbcKeyStore store = JdbcKeyStore.builder().jdbcUrl(TestDatabase.get().jdbcUrl()).maximumPoolSize(2)
        .schema(schema).masterKey(JdbcKeyStoreContractTest.MASTER_KEY).build();
    stores.add(store);
    Gateway g = Gateway.builder().keyStore(store).build();
    gateways.add(g);
    return g;
  }

  @Test
  void aRefusedChange_comesOutAsThrown_storesNothing_andGivesBackTheConnectionAndTheLock() throws SQLException {
    Gateway a = open();
    Gateway b = open();
    assertThat(a.updateGatewayConfig(c -> new Gateway.GatewayConfig(withAttempts(c.limits(), 4), c.settings())))
        .isTrue();
    String before = row();

    // more refusals than the pool has connections: each one must give its connection back
    for (int i = 0; i < 6; i++) {
      ConfigurationException refused = catchThrowableOfType(ConfigurationException.class,
          () -> a.updateGatewayConfig(c -> {
            throw new ConfigurationException("maxAttempts", "must be from 1 to 100 but was 0");
          }));
      assertThat(refused).as("refusal " + i).isNotNull();
      assertThat(refused.getMessage()).startsWith("maxAttempts:");
      IllegalArgumentException inconsistent = catchThrowableOfType(IllegalArgumentException.class,
          () -> a.updateGatewayConfig(c -> new Gateway.GatewayConfig(new Gateway.Limits(1000,
              Duration.ofSeconds(1), Duration.ofSeconds(5), 3, Duration.ofSeconds(1)), c.settings())));
      assertThat(inconsistent).as("inconsistent limits " + i).isNotNull();
    }
    assertThat(row()).as("nothing stored").isEqualTo(before);
    assertThat(a.limits().maxAttempts()).isEqualTo(4);

    // the advisory lock was released: the other instance changes it at once, and so does this one
    assertThat(b.updateGatewayConfig(c -> new Gateway.GatewayConfig(withAttempts(c.limits(), 6), c.settings())))
        .isTrue();
    assertThat(a.updateGatewayConfig(c -> new Gateway.GatewayConfig(withAttempts(c.limits(), c.limits()
        .maxAttempts() + 1), c.settings()))).isTrue();
    assertThat(a.limits().maxAttempts()).as("6 from B, then one more").isEqualTo(7);
  }

  /**
   * Regression: the change read the stored row first and threw on its bad field, so once a row this instance
   * cannot read was in the database (written by SQL, or by a later version), no change could replace it.
   */
  @Test
  void aRowThisInstanceCannotRead_isReplacedByAChange_notAReasonToRefuseIt() throws SQLException {
    Gateway a = open();
    assertThat(a.updateGatewayConfig(c -> new Gateway.GatewayConfig(withAttempts(c.limits(), 4), c.settings())))
        .isTrue();
    TestDatabase.get().execute("update \"" + schema + "\".gateway_config set body = '{\"maxAttempts\": 0}'");

    assertThat(a.updateGatewayConfig(c -> new Gateway.GatewayConfig(withAttempts(c.limits(), 5), c.settings())))
        .isTrue();

    assertThat(row()).contains("\"maxAttempts\": 5");
    assertThat(a.limits().maxAttempts()).isEqualTo(5);
  }

  private static Gateway.Limits withAttempts(Gateway.Limits l, int attempts) {
    return new Gateway.Limits(l.maxRequestBytes(), l.totalTimeout(), l.perAttemptTimeout(), attempts,
        l.maxRetryWait());
  }

  private String row() throws SQLException {
    try (Connection c = TestDatabase.get().connection(); PreparedStatement ps = c.prepareStatement(
        "select body::text from \"" + schema + "\".gateway_config where id = 'gateway-config'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : "";
    }
  }
}
