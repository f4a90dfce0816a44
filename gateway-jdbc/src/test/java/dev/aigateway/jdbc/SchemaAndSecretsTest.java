package dev.aigateway.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.resource.ProviderKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations, the master key, and what reaches the database. */
final class SchemaAndSecretsTest {
  private static final String KEY = JdbcKeyStoreContractTest.MASTER_KEY;

  private static JdbcKeyStore.Builder builder(String schema) {
    return JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).schema(schema);
  }

  @Test
  void replicasStartingAtOnce_migrateExactlyOnce_andAllWork() throws Exception {
    String schema = TestDatabase.newSchema();
    int replicas = 6;
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<JdbcKeyStore>> starting = new ArrayList<>();
    List<JdbcKeyStore> started = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        starting.add(pool.submit(() -> {
          go.await();
          return JdbcKeyStore.builder().jdbcUrl(TestDatabase.get().jdbcUrl()).maximumPoolSize(2).schema(schema)
              .masterKey(KEY).build();
        }));
      }
      go.countDown();
      for (Future<JdbcKeyStore> f : starting) {
        started.add(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(rows("select version, description from " + schema + ".schema_version"))
          .containsExactly("1 resources", "2 admin keys", "3 credits usage", "4 gateway config",
              "5 ledger writers");
      Gateway gateway = Gateway.builder().keyStore(started.get(0)).build();
      CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("m").build());
      for (JdbcKeyStore s : started) {
        s.refresh();
        assertThat(s.accessKey(created.key().id())).as("every replica reads the key").isNotNull();
      }
      gateway.close();
    } finally {
      started.forEach(JdbcKeyStore::close);
      pool.shutdownNow();
    }
  }

  @Test
  void versionsNeedNotBeContiguous_aMissingOrForeignVersionIsNoObstacle() throws Exception {
    String schema = TestDatabase.newSchema();
    builder(schema).masterKey(KEY).build().close();
    // a schema from before the credits tables, which another build has taken to a version 90 this one lacks
    TestDatabase.get().execute("drop table " + schema + ".credit_transactions, " + schema + ".usage_events");
    TestDatabase.get().execute("delete from " + schema + ".schema_version where version = 3");
    TestDatabase.get().execute("insert into " + schema + ".schema_version (version, description, checksum) "
        + "values (90, 'from another build', 'x')");
    try (JdbcCreditLedger ledger = JdbcCreditLedger.builder().dataSource(TestDatabase.get().dataSource())
        .schema(schema).build()) {
      ledger.grant(5, null);
      assertThat(ledger.balanceCents()).isEqualTo(5);
    }
    assertThat(rows("select version, description from " + schema + ".schema_version order by version"))
        .containsExactly("1 resources", "2 admin keys", "3 credits usage", "4 gateway config",
            "5 ledger writers", "90 from another build");
    builder(schema).masterKey(KEY).build().close(); // and the key store opens it as before
  }

  @Test
  void aSchemaOfTheVersionBeforeAdminKeys_isMigrated_andItsResourcesKept() throws Exception {
    String schema = TestDatabase.newSchema();
    String accessKeyId;
    try (JdbcKeyStore store = builder(schema).masterKey(KEY).build()) {
      accessKeyId = Gateway.builder().keyStore(store).build().admin().accessKeys()
          .create(AccessKeyChange.builder().name("from before").build()).key().id();
    }
    // as a schema that only the first script made
    TestDatabase.get().execute("drop table " + schema + ".admin_keys; delete from " + schema
        + ".schema_version where version = 2");
    try (JdbcKeyStore store = builder(schema).masterKey(KEY).build()) {
      assertThat(rows("select version from " + schema + ".schema_version order by version")).containsExactly("1", "2", "3", "4", "5");
      assertThat(store.accessKey(accessKeyId)).isNotNull();
      Gateway g = Gateway.builder().keyStore(store).build();
      String id = g.admin().adminKeys().create(dev.aigateway.admin.AdminKeyChange.builder().name("new").build())
          .key().id();
      assertThat(rows("select id from " + schema + ".admin_keys")).containsExactly(id);
      assertThat(rows("select resource_type from " + schema + ".changes where resource_id = '" + id + "'"))
          .containsExactly("ADMIN_KEY");
    }
  }

  @Test
  void aSchemaMigratedWithAnEditedScript_isRefused() {
    String schema = TestDatabase.newSchema();
    builder(schema).masterKey(KEY).build().close();
    TestDatabase.get().execute("update " + schema + ".schema_version set checksum = 'edited' where version = 1");
    assertThatThrownBy(() -> builder(schema).masterKey(KEY).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("V1__resources.sql").hasMessageContaining(schema);
  }

  @Test
  void anotherMasterKey_isRefusedAtStart_withoutShowingEitherKey() {
    String schema = TestDatabase.newSchema();
    builder(schema).masterKey(KEY).build().close();
    String other = Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> builder(schema).masterKey(other).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("master key differs").hasMessageNotContaining(other).hasMessageNotContaining(KEY);
  }

  @Test
  void aMasterKeyFile_isCreatedOwnerOnly_andReusedOnTheNextStart(@TempDir Path dir) throws Exception {
    String schema = TestDatabase.newSchema();
    Path file = dir.resolve("master.key");
    try (JdbcKeyStore store = builder(schema).masterKeyFile(file).build()) {
      Gateway g = Gateway.builder().keyStore(store).build();
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("p")
          .value("sk-file-key-secret-0001").build());
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (JdbcKeyStore again = builder(schema).masterKeyFile(file).build()) {
      ProviderKey read = again.providerKeys().get(0);
      assertThat(Objects.requireNonNull(read.value()).reveal()).isEqualTo("sk-file-key-secret-0001");
    }
  }

  @Test
  void theDatabaseHoldsNeitherTokensNorProviderSecrets_rawBase64OrHex() throws Exception {
    String schema = TestDatabase.newSchema();
    String secret = "sk-canary-provider-secret-4f1e2d3c";
    String token;
    String adminToken;
    try (JdbcKeyStore store = builder(schema).masterKey(KEY).build()) {
      Gateway g = Gateway.builder().keyStore(store).build();
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("canary").value(secret)
          .build());
      token = g.admin().accessKeys().create(AccessKeyChange.builder().name("canary").build()).token();
      adminToken = g.admin().adminKeys().create(dev.aigateway.admin.AdminKeyChange.builder().name("canary").build())
          .token();
    }
    StringBuilder dump = new StringBuilder();
    for (String table : List.of("access_keys", "configurations", "provider_keys", "providers", "virtual_models",
        "admin_keys", "changes", "store_meta")) {
      rows("select t::text from " + schema + "." + table + " t").forEach(r -> dump.append(r).append('\n'));
    }
    assertThat(dump).contains("aigk_").contains("aigpk_").contains("aigak_"); // the rows are there
    String tokenSecret = token.substring(token.lastIndexOf('-') + 1);
    String adminSecret = adminToken.substring(adminToken.lastIndexOf('_') + 1);
    for (String canary : List.of(secret, token, tokenSecret, adminToken, adminSecret)) {
      byte[] bytes = canary.getBytes(StandardCharsets.UTF_8);
      assertThat(dump.toString()).doesNotContain(canary)
          .doesNotContain(Base64.getEncoder().encodeToString(bytes))
          .doesNotContain(HexFormat.of().formatHex(bytes));
      if (canary.equals(token) || canary.equals(adminToken)) {
        continue; // its public part is shown on purpose (keyRedacted); its secret part is checked piece by piece
      }
      for (int i = 0; i + 8 <= canary.length(); i += 4) {
        assertThat(dump.toString()).as("a piece of a secret").doesNotContain(canary.substring(i, i + 8));
      }
    }
  }

  @Test
  void theBuilder_refusesBadSettings_namingThem() {
    assertThatThrownBy(() -> JdbcKeyStore.builder().schema("Bad-Name")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad-Name");
    assertThatThrownBy(() -> JdbcKeyStore.builder().jdbcUrl("jdbc:mysql://h/db?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:mysql://h/db")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> JdbcKeyStore.builder().pollInterval(java.time.Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.001S");
    assertThatThrownBy(() -> JdbcKeyStore.builder().masterKey(KEY).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dataSource");
    assertThatThrownBy(() -> JdbcKeyStore.builder().dataSource(TestDatabase.get().dataSource()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("masterKey");
    assertThatThrownBy(() -> builder(TestDatabase.newSchema()).masterKey("not-a-key").build())
        .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("not-a-key");
  }

  @Test
  void anUnreachableDatabase_failsTheStart_withAStoreException() {
    assertThatThrownBy(() -> JdbcKeyStore.builder().jdbcUrl("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2")
        .masterKey(KEY).build()).isInstanceOf(RuntimeException.class);
  }

  @Test
  void theModule_exportsItsApiPackageOnly() {
    Module module = JdbcKeyStore.class.getModule();
    assertThat(module.isNamed()).as("tests run on the module path").isTrue();
    assertThat(module.getDescriptor().exports()).extracting(java.lang.module.ModuleDescriptor.Exports::source)
        .containsExactly("dev.aigateway.jdbc");
  }

  private static List<String> rows(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = TestDatabase.get().connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        out.add(row.toString());
      }
    }
    return out;
  }
}
