package dev.aigateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own state file: durable changes, the upgrade from store.log, crashes mid-write. */
final class DataDirectorySettingsTest {
  private static final Gateway.Limits DEFAULTS = new Gateway.Limits(1000, Duration.ofSeconds(120),
      Duration.ofSeconds(60), 10, Duration.ofSeconds(2));
  private static final byte[] DIGEST_A = digest(1);
  private static final byte[] DIGEST_B = digest(2);

  @TempDir
  Path dir;

  private static byte[] digest(int fill) {
    byte[] d = new byte[32];
    java.util.Arrays.fill(d, (byte) fill);
    return d;
  }

  private static Gateway.Limits limits(int maxAttempts) {
    return new Gateway.Limits(2048, Duration.ofSeconds(90), Duration.ofSeconds(30), maxAttempts,
        Duration.ofMillis(1500));
  }

  @Test
  void aNewDirectory_hasNoAdminKeysAndNoLimits_andGetsItsFileWithTheFirstChange() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    assertThat(state.adminKeyDigests()).isEmpty();
    assertThat(state.limits(DEFAULTS)).isNull();
    assertThat(dir.resolve("server.json")).as("nothing to keep yet: nothing written").doesNotExist();
    state.addAdminKey("aigak_a", DIGEST_A, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(dir.resolve("server.json")).exists();
  }

  @Test
  void adminKeys_moveIntoTheStoreOnce_andLeaveTheFile_keepingTheLimits() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    state.addAdminKey("aigak_a", DIGEST_A, Instant.parse("2026-01-01T00:00:00Z"));
    state.addAdminKey("aigak_b", DIGEST_B, Instant.parse("2026-01-02T00:00:00Z"));
    state.saveLimits(limits(3));
    dev.aigateway.spi.KeyStore store = dev.aigateway.spi.KeyStore.inMemory();
    // a key the store already holds under another id (by digest) is not added twice
    store.putAdminKey(dev.aigateway.resource.AdminKey.builder().id("aigak_same").keyRedacted("aigak_same***")
        .tokenDigest(DIGEST_B).createdAt(Instant.EPOCH).build());

    assertThat(state.moveAdminKeysTo(store)).isEqualTo(1);
    dev.aigateway.resource.AdminKey moved = store.adminKey("aigak_a");
    assertThat(moved).isNotNull();
    assertThat(moved.name()).isEqualTo("initial");
    assertThat(moved.digestMatches(DIGEST_A)).isTrue();
    assertThat(moved.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(store.adminKeys(null, 10)).hasSize(2);

    DataDirectorySettings again = DataDirectorySettings.open(dir);
    assertThat(again.adminKeyDigests()).as("gone from server.json").isEmpty();
    assertThat(again.limits(DEFAULTS)).isEqualTo(limits(3));
    store.deleteAdminKey("aigak_a");
    assertThat(again.moveAdminKeysTo(store)).as("a key deleted after the move stays deleted").isZero();
    assertThat(store.adminKey("aigak_a")).isNull();
  }

  @Test
  void savedGatewayConfig_movesIntoAStoreThatHoldsNone_once_andLeavesTheFile() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    Gateway.AccountSettings settings = Gateway.AccountSettings.defaults().withCreditsEnforced(true)
        .withCorsAllowedOrigins(List.of("https://saved.example"));
    state.saveGatewayConfig(limits(3), settings);
    state.addAdminKey("aigak_a", DIGEST_A, Instant.parse("2026-01-01T00:00:00Z"));
    dev.aigateway.spi.KeyStore store = dev.aigateway.spi.KeyStore.inMemory();
    try (Gateway gateway = Gateway.builder().keyStore(store).build()) {
      assertThat(state.moveGatewayConfigTo(gateway)).isTrue();
      assertThat(gateway.limits()).isEqualTo(limits(3));
      assertThat(gateway.accountSettings()).isEqualTo(settings);
      assertThat(store.gatewayConfig()).as("now the store's").isNotNull();
    }
    DataDirectorySettings again = DataDirectorySettings.open(dir);
    assertThat(again.limits(DEFAULTS)).as("gone from server.json").isNull();
    assertThat(again.accountSettings()).isNull();
    assertThat(again.adminKeyDigests()).as("the rest of the file is kept").containsExactly(DIGEST_A);
    try (Gateway later = Gateway.builder().keyStore(store).build()) {
      assertThat(again.moveGatewayConfigTo(later)).as("nothing left to move").isFalse();
      assertThat(later.limits()).isEqualTo(limits(3));
    }
  }

  @Test
  void aStoreThatHoldsAGatewayConfig_winsOverTheFile_whichIsLeftAsItWas() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    state.saveLimits(limits(3));
    dev.aigateway.spi.KeyStore store = dev.aigateway.spi.KeyStore.inMemory();
    try (Gateway first = Gateway.builder().keyStore(store).build()) {
      assertThat(first.saveGatewayConfig(limits(7), Gateway.AccountSettings.defaults())).isTrue();
    }
    try (Gateway gateway = Gateway.builder().keyStore(store).build()) {
      assertThat(state.moveGatewayConfigTo(gateway)).isFalse();
      assertThat(gateway.limits()).isEqualTo(limits(7));
    }
    assertThat(DataDirectorySettings.open(dir).limits(DEFAULTS)).isEqualTo(limits(3));
  }

  @Test
  void aStoreThatKeepsNoGatewayConfig_getsTheFilesApplied_andTheFileStaysWhereTheyLive() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    state.saveLimits(limits(3)); // limits only, as versions before the account settings saved them
    dev.aigateway.spi.KeyStore inner = dev.aigateway.spi.KeyStore.inMemory();
    dev.aigateway.spi.KeyStore keepsNone = (dev.aigateway.spi.KeyStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.aigateway.spi.KeyStore.class}, (proxy, method, args) ->
            method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                : method.invoke(inner, args));
    try (Gateway gateway = Gateway.builder().keyStore(keepsNone).corsAllowedOrigins("https://host.example").build()) {
      assertThat(state.moveGatewayConfigTo(gateway)).isFalse();
      assertThat(gateway.limits()).isEqualTo(limits(3));
      assertThat(gateway.accountSettings().corsAllowedOrigins()).as("never saved: the host's")
          .containsExactly("https://host.example");
      assertThat(gateway.saveGatewayConfig(limits(5), gateway.accountSettings())).as("left to the host").isFalse();
      assertThat(gateway.limits()).as("nothing changed").isEqualTo(limits(3));
    }
    assertThat(keepsNone.gatewayConfig()).isNull();
    assertThat(DataDirectorySettings.open(dir).limits(DEFAULTS)).isEqualTo(limits(3));
  }

  @Test
  void adminKeysAndLimits_areOnDiskWhenTheCallReturns() {
    DataDirectorySettings state = DataDirectorySettings.open(dir);
    state.addAdminKey("aigak_a", DIGEST_A, Instant.parse("2026-01-01T00:00:00Z"));
    state.saveLimits(limits(3));
    state.addAdminKey("aigak_b", DIGEST_B, Instant.parse("2026-01-02T00:00:00Z"));
    state.saveLimits(limits(4));

    DataDirectorySettings again = DataDirectorySettings.open(dir);
    assertThat(again.adminKeyDigests()).containsExactly(DIGEST_A, DIGEST_B);
    assertThat(again.limits(DEFAULTS)).isEqualTo(limits(4));
    assertThat(dir.resolve("server.json.tmp")).doesNotExist();
  }

  @Test
  void anOlderDataDirectory_carriesItsAdminKeyAndLimitsOver_andStoreLogIsLeftAsItWas() throws Exception {
    Path log = dir.resolve("store.log");
    Files.write(log, List.of(
        "{\"format\":\"aigateway-store\",\"version\":1}",
        adminKeyLine("aigak_a", DIGEST_A),
        "{\"op\":\"put\",\"type\":\"x:gatewayConfig\",\"data\":{\"id\":\"default\",\"maxAttempts\":2}}",
        adminKeyLine("aigak_b", DIGEST_B),
        "{\"op\":\"del\",\"type\":\"x:adminKey\",\"id\":\"aigak_a\"}",
        "{\"op\":\"put\",\"type\":\"x:gatewayConfig\",\"data\":{\"id\":\"default\",\"maxAttempts\":5,"
            + "\"perRequestTimeoutMs\":30000}}",
        "{\"op\":\"put\",\"type\":\"accessKey\",\"data\":{\"id\":\"aigk_1\"}}"));
    Files.writeString(log, "{\"op\":\"put\",\"type\":\"x:adminKey\",\"da", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    byte[] before = Files.readAllBytes(log);

    DataDirectorySettings state = DataDirectorySettings.open(dir);
    assertThat(state.adminKeyDigests()).containsExactly(DIGEST_B);
    assertThat(state.limits(DEFAULTS)).isEqualTo(new Gateway.Limits(1000, Duration.ofSeconds(120),
        Duration.ofSeconds(30), 5, Duration.ofSeconds(2)));
    assertThat(Files.readAllBytes(log)).isEqualTo(before);

    // carried over once: later changes to server.json are not undone by the old lines
    state.addAdminKey("aigak_c", DIGEST_A, Instant.now());
    assertThat(DataDirectorySettings.open(dir).adminKeyDigests()).containsExactly(DIGEST_B, DIGEST_A);
  }

  private static String adminKeyLine(String id, byte[] digest) {
    return "{\"op\":\"put\",\"type\":\"x:adminKey\",\"data\":{\"id\":\"" + id + "\",\"digest\":\""
        + Base64.getEncoder().encodeToString(digest) + "\",\"createdAt\":\"2025-12-01T00:00:00Z\"}}";
  }

  @Test
  void aTempFileLeftByACrashMidWrite_isIgnored_andTheNextChangeReplacesIt() throws Exception {
    DataDirectorySettings.open(dir).addAdminKey("aigak_a", DIGEST_A, Instant.now());
    Files.writeString(dir.resolve("server.json.tmp"), "{\"format\":\"aigateway-server\",\"adminK");

    DataDirectorySettings state = DataDirectorySettings.open(dir);
    assertThat(state.adminKeyDigests()).containsExactly(DIGEST_A);
    state.saveLimits(limits(7));
    assertThat(dir.resolve("server.json.tmp")).doesNotExist();
    assertThat(DataDirectorySettings.open(dir).limits(DEFAULTS)).isEqualTo(limits(7));
  }

  @Test
  void aDamagedStateFile_stopsTheStart_andIsLeftAlone() throws Exception {
    Path file = dir.resolve("server.json");
    Files.writeString(file, "{\"format\":\"aigateway-server\",");
    assertThatThrownBy(() -> DataDirectorySettings.open(dir)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("server.json").hasMessageContaining("Refusing to start");
    assertThat(Files.readString(file)).isEqualTo("{\"format\":\"aigateway-server\",");
  }
}
