package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/jdbc.md, compiled and run. */
final class DocsExampleTest {

  @Test
  void twoReplicas_onTheApplicationsDataSource_shareTheirKeys() {
    DataSource dataSource = TestDatabase.get().dataSource();
    String masterKeyBase64 = JdbcKeyStoreContractTest.MASTER_KEY;
    String schema = TestDatabase.newSchema();
    try (JdbcKeyStore other = JdbcKeyStore.builder().dataSource(dataSource).masterKey(masterKeyBase64)
        .schema(schema).build()) {
      // --8<-- [start:jdbc-datasource]
      JdbcKeyStore store = JdbcKeyStore.builder()
          .dataSource(dataSource)        // the application's pool; the store never closes it
          .masterKey(masterKeyBase64)    // the same key on every replica
          .schema(schema)                // default "aigateway"
          .build();
      Gateway gateway = Gateway.builder().keyStore(store).build();
      CreatedAccessKey created = gateway.admin().accessKeys()
          .create(AccessKeyChange.builder().name("web").build());
      // --8<-- [end:jdbc-datasource]
      other.refresh();
      Gateway replica = Gateway.builder().keyStore(other).build();
      assertThat(replica.authenticate(created.token()).id()).isEqualTo(created.key().id());
      gateway.close();
      replica.close();
      store.close();
    }
  }

  @Test
  void theLedgerAndTheUsageLog_shareTheStoresDatabase() {
    DataSource dataSource = TestDatabase.get().dataSource();
    String masterKeyBase64 = JdbcKeyStoreContractTest.MASTER_KEY;
    String schema = TestDatabase.newSchema();
    // --8<-- [start:jdbc-credits-usage]
    JdbcKeyStore store = JdbcKeyStore.builder().dataSource(dataSource).masterKey(masterKeyBase64)
        .schema(schema).build();
    JdbcCreditLedger ledger = JdbcCreditLedger.builder()
        .dataSource(store.dataSource())      // the same database (and schema) as the store
        .schema(store.schema())
        .build();
    JdbcUsageLog usage = JdbcUsageLog.builder()
        .dataSource(store.dataSource())
        .schema(store.schema())
        .retention(Duration.ofDays(30))     // the default
        .build();
    Gateway gateway = Gateway.builder().keyStore(store).creditLedger(ledger).usageLog(usage).build();
    // ... serve requests; on shutdown, the gateway first, then what it writes to:
    gateway.close();
    usage.close();                          // writes the queued events
    ledger.close();                         // writes the pending charges
    store.close();
    // --8<-- [end:jdbc-credits-usage]
    try (JdbcCreditLedger again = JdbcCreditLedger.builder().dataSource(dataSource).schema(schema).build()) {
      assertThat(again.balanceMicroCents()).isZero();
      assertThat(again.grant(5, null).amountMicroCents()).isEqualTo(5_000_000);
    }
  }

  @Test
  void theServersFactory_opensAStoreWithItsOwnPool(@TempDir Path dir) {
    String jdbcUrl = TestDatabase.get().newDatabaseUrl();
    Path dataDir = dir;
    // --8<-- [start:jdbc-url]
    try (JdbcKeyStore store = JdbcKeyStore.open(jdbcUrl,
        System.getenv("AIGATEWAY_MASTER_KEY"),    // when set; otherwise the key file below
        dataDir.resolve("master.key"));         // created with mode 0600 when missing
        Gateway gateway = Gateway.builder().keyStore(store).build()) {
      // serve requests
      // --8<-- [end:jdbc-url]
      assertThat(store.schema()).isEqualTo("aigateway");
      CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("u").build());
      assertThat(gateway.authenticate(created.token()).id()).isEqualTo(created.key().id());
      assertThat(dataDir.resolve("master.key")).as("no AIGATEWAY_MASTER_KEY here: the key file").exists();
    }
  }
}
