package dev.aigateway.store;

import dev.aigateway.config.ConfigurationJson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.internal.store.SecretBox;
import dev.aigateway.resource.CustomProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataDirectoryKeyStoreTest {
  @TempDir
  Path dir;

  private Gateway gateway(DataDirectoryKeyStore store) {
    return Gateway.builder().keyStore(store).build();
  }

  @Test
  void everythingSurvivesARestart_andKeysKeepWorking() throws IOException {
    String token;
    String configId;
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("primary")
          .value("sk-persisted-secret-value-1").build());
      g.admin().providers().create(CustomProvider.builder().providerId("vllm").baseUrl("https://vllm.example.com/v1")
          .models(List.of("llama3.2")));
      g.admin().virtualModels().create("fast", "quick", List.of("gpt-4o-mini"));
      configId = g.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}},"
          + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"name\":\"inline\","
          + "\"value\":\"sk-inline-persisted-2\"}]}]}]}}")).id();
      token = g.admin().accessKeys().create(AccessKeyChange.builder().name("web").configurationId(configId).build()).token();
      String gone = g.admin().accessKeys().create(AccessKeyChange.builder().name("gone").build()).key().id();
      g.admin().accessKeys().delete(gone);
    }
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      assertThat(store.accessKeys(null, 100)).extracting(k -> k.name()).containsExactly("web");
      assertThat(g.admin().configurations().get(configId).rules()).hasSize(1);
      assertThat(store.providerKeys()).extracting(k -> k.value().reveal())
          .containsExactly("sk-persisted-secret-value-1", "sk-inline-persisted-2");
      assertThat(store.provider("vllm")).isNotNull();
      assertThat(store.virtualModels()).extracting(v -> v.name()).containsExactly("fast");
      assertThat(g.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"gpt-4o\"}")).attempts())
          .extracting(a -> a.providerKeyName()).containsExactly("inline");
    }
  }

  @Test
  void noPersistedByte_holdsATokenOrSecretRaw_base64_orHex() throws IOException {
    List<String> secrets = new ArrayList<>();
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      for (int i = 0; i < 5; i++) {
        CreatedAccessKey k = g.admin().accessKeys().create(AccessKeyChange.builder().name("k" + i).build());
        // the public part of a token is the key id, which is stored; the secret part must never be
        secrets.add(k.token().substring(29, 61));
      }
      String value = "sk-provider-canary-7f3a9c21d4e8b605";
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("p").value(value).build());
      secrets.add(value);
      store.compact();
    }
    List<byte[]> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (!p.getFileName().toString().equals("master.key")) {
          files.add(Files.readAllBytes(p));
        }
      }
    }
    for (String secret : secrets) {
      byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
      for (String form : List.of(secret, Base64.getEncoder().encodeToString(raw), HexFormat.of().formatHex(raw))) {
        for (int at = 0; at + 12 <= form.length(); at += 6) {
          String piece = form.substring(at, at + 12);
          for (byte[] f : files) {
            assertThat(new String(f, StandardCharsets.ISO_8859_1)).as("a piece of a secret on disk").doesNotContain(piece);
          }
        }
      }
    }
  }

  @Test
  void masterKeyFile_isPrivate() throws IOException {
    DataDirectoryKeyStore.open(dir, null).close();
    assertThat(Files.getPosixFilePermissions(dir.resolve("master.key")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void sealing_usesAFreshIvEachTime_andBindsTheRecordId() {
    SecretBox box = new SecretBox(new byte[32]);
    String a = box.seal("sk-same", "aigpk_1");
    String b = box.seal("sk-same", "aigpk_1");
    assertThat(a).isNotEqualTo(b);
    assertThat(box.open(a, "aigpk_1")).isEqualTo("sk-same");
    assertThatThrownBy(() -> box.open(a, "aigpk_2")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("aigpk_2").hasMessageNotContaining("sk-same");
    byte[] bytes = Base64.getDecoder().decode(a);
    bytes[20] ^= 1;
    assertThatThrownBy(() -> box.open(Base64.getEncoder().encodeToString(bytes), "aigpk_1"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aTornLastLine_isDropped_butEarlierChangesStay() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      gateway(store).admin().accessKeys().create(AccessKeyChange.builder().name("kept").build());
    }
    Path log = dir.resolve("store.log");
    Files.write(log, "{\"op\":\"put\",\"type\":\"accessKey\",\"data\":{\"id\":\"aigk_half".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).extracting(k -> k.name()).containsExactly("kept");
      gateway(store).admin().accessKeys().create(AccessKeyChange.builder().name("after").build());
    }
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).hasSize(2);
    }
  }

  @Test
  void aDamagedLine_stopsTheStart_withoutChangingTheFile() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      g.admin().accessKeys().create(AccessKeyChange.builder().name("a").build());
      g.admin().accessKeys().create(AccessKeyChange.builder().name("b").build());
    }
    Path log = dir.resolve("store.log");
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("\"op\"", "\"op"));
    Files.write(log, lines);
    byte[] before = Files.readAllBytes(log);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.log line 2").hasMessageContaining("Refusing to start");
    assertThat(Files.readAllBytes(log)).isEqualTo(before);
  }

  @Test
  void aWrongMasterKey_stopsTheStart() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      gateway(store).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("p")
          .value("sk-abc-123456789").build());
    }
    String other = Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, other)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not decrypt").hasMessageNotContaining("sk-abc");
  }

  @Test
  void compaction_keepsEveryLiveRecord_andShrinksTheLog() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      String id = g.admin().accessKeys().create(AccessKeyChange.builder().name("v0").build()).key().id();
      for (int i = 1; i <= 3000; i++) {
        g.admin().accessKeys().update(id, AccessKeyChange.builder().name("v" + i).build());
      }
      assertThat(Files.readAllLines(dir.resolve("store.log")).size()).isLessThan(2500);
    }
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).singleElement().satisfies(k -> assertThat(k.name()).isEqualTo("v3000"));
    }
  }

  @Test
  void aLogFromAnOlderVersion_withServerRecords_opens_andCompactionDropsThoseRecords() throws IOException {
    String keyId;
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      keyId = gateway(store).admin().accessKeys().create(AccessKeyChange.builder().name("kept").build()).key().id();
    }
    // what the runnable server used to keep in store.log, before it had a file of its own
    Path log = dir.resolve("store.log");
    List<String> lines = new ArrayList<>(asVersion1(Files.readAllLines(log)));
    lines.addAll(List.of(
        "{\"op\":\"put\",\"type\":\"x:adminKey\",\"data\":{\"id\":\"aigak_old\",\"digest\":\"AAAA\"}}",
        "{\"op\":\"put\",\"type\":\"x:gatewayConfig\",\"data\":{\"id\":\"default\",\"maxAttempts\":3}}",
        "{\"op\":\"del\",\"type\":\"x:adminKey\",\"id\":\"aigak_old\"}"));
    Files.write(log, lines);
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).extracting(k -> k.id()).containsExactly(keyId);
      store.compact();
    }
    assertThat(Files.readString(log)).contains(keyId).doesNotContain("x:");
  }

  @Test
  void anUnknownRecordType_isStillDamage() throws IOException {
    DataDirectoryKeyStore.open(dir, null).close();
    Files.write(dir.resolve("store.log"), List.of(checksummed("{\"op\":\"put\",\"type\":\"gadget\",\"data\":{\"id\":\"g\"}}")),
        StandardOpenOption.APPEND);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.log line 2").hasMessageContaining("unknown record type 'gadget'");
  }

  // ------------------------------------------------------------------ damage, master key, lost log

  /** A line as the store writes it: the JSON object with the CRC32C of the rest as its last field. */
  private static String checksummed(String json) {
    CRC32C crc = new CRC32C();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return json.substring(0, json.length() - 1) + String.format(",\"crc32c\":\"%08x\"}", crc.getValue());
  }

  /** The lines as the version before checksums wrote them. */
  private static List<String> asVersion1(List<String> lines) {
    List<String> out = new ArrayList<>();
    out.add("{\"format\":\"aigateway-store\",\"version\":1}");
    for (String line : lines.subList(1, lines.size())) {
      out.add(line.replaceAll(",\"crc32c\":\"[0-9a-f]{8}\"}$", "}"));
    }
    return out;
  }

  @Test
  void aNameChangedInTheLog_stopsTheStart_namingTheFileAndLine_andLeavesTheFileAsItWas() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      g.admin().accessKeys().create(AccessKeyChange.builder().name("alpha").build());
      g.admin().accessKeys().create(AccessKeyChange.builder().name("bravo").build());
    }
    Path log = dir.resolve("store.log");
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("\"name\":\"alpha\"", "\"name\":\"alphz\""));
    Files.write(log, lines);
    byte[] before = Files.readAllBytes(log);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.toString()).hasMessageContaining("store.log line 2")
        .hasMessageContaining("checksum does not match").hasMessageContaining("Refusing to start");
    assertThat(Files.readAllBytes(log)).isEqualTo(before);
  }

  @Test
  void aRevocationUndoneByEditingTheDeletedId_stopsTheStart() throws IOException {
    String revoked;
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      revoked = g.admin().accessKeys().create(AccessKeyChange.builder().name("revoked").build()).key().id();
      g.admin().accessKeys().delete(revoked);
    }
    Path log = dir.resolve("store.log");
    List<String> lines = Files.readAllLines(log);
    String other = revoked.substring(0, revoked.length() - 1) + (revoked.endsWith("x") ? "y" : "x");
    lines.set(2, lines.get(2).replace(revoked, other));
    Files.write(log, lines);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.log line 3").hasMessageContaining("checksum does not match");
  }

  @Test
  void aDataDirectoryFromBeforeChecksums_opens_andEveryLineIsCheckedFromThenOn() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      gateway(store).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("old")
          .value("sk-from-version-1").build());
    }
    Path log = dir.resolve("store.log");
    Files.write(log, asVersion1(Files.readAllLines(log)));
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.providerKeys()).extracting(k -> k.value().reveal()).containsExactly("sk-from-version-1");
      gateway(store).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("new")
          .value("sk-after-the-upgrade").build());
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines.get(0)).startsWith("{\"format\":\"aigateway-store\",\"version\":2,\"crc32c\":\"");
    assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).matches(".*,\"crc32c\":\"[0-9a-f]{8}\"}"));
    lines.set(1, lines.get(1).replace("\"name\":\"old\"", "\"name\":\"olé\""));
    Files.write(log, lines);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.log line 2");
  }

  @Test
  void aMissingMasterKeyFile_withSealedValuesInTheLog_stopsTheStart_sayingSo_andCreatesNothing() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      gateway(store).admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("p")
          .value("sk-sealed-and-stranded").build());
    }
    Files.delete(dir.resolve("master.key"));
    byte[] log = Files.readAllBytes(dir.resolve("store.log"));
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("master key file " + dir.resolve("master.key") + " is missing")
        .hasMessageContaining("1 provider key value").hasMessageContaining("AIGATEWAY_MASTER_KEY")
        .hasMessageNotContaining("does not decrypt").hasMessageNotContaining("sk-sealed");
    assertThat(dir.resolve("master.key")).doesNotExist();
    assertThat(Files.readAllBytes(dir.resolve("store.log"))).isEqualTo(log);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("store.log");
    }
  }

  @Test
  void aMissingMasterKeyFile_isCreatedAgain_whenNoSealedValueIsStillLive() throws IOException {
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      Gateway g = gateway(store);
      String gone = g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("gone")
          .value("sk-deleted-long-ago").build()).id();
      g.admin().providerKeys().delete(gone);
      g.admin().accessKeys().create(AccessKeyChange.builder().name("kept").build());
    }
    Files.delete(dir.resolve("master.key"));
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).extracting(k -> k.name()).containsExactly("kept");
      assertThat(store.providerKeys()).isEmpty();
    }
    assertThat(dir.resolve("master.key")).exists();
  }

  @Test
  void aTruncatedOrMalformedMasterKeyFile_stopsTheStart_withAMessageNamingTheFile() throws IOException {
    DataDirectoryKeyStore.open(dir, null).close();
    Path keyFile = dir.resolve("master.key");
    String key = Files.readString(keyFile).strip();
    for (String content : List.of(key.substring(0, 20), key.substring(0, 41), "", "not a key!!", key + key)) {
      Files.writeString(keyFile, content + "\n");
      assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).as("master.key holding %d characters",
          content.length()).isInstanceOf(IllegalStateException.class).hasNoCause()
          .hasMessageContaining("master key file " + keyFile).hasMessageContaining("base64 encoding of 32 bytes")
          .satisfies(e -> assertThat(piecesOf(key)).noneMatch(e.getMessage()::contains));
    }
  }

  @Test
  void aMalformedMasterKeyFromTheEnvironment_stopsTheStart_namingAIGATEWAY_MASTER_KEY() {
    String key = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    for (String value : List.of(key.substring(0, 30), key.replace('M', '*'), key + "AAAA")) {
      assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, value)).as(value).isInstanceOf(IllegalStateException.class)
          .hasNoCause().hasMessageContaining("AIGATEWAY_MASTER_KEY").hasMessageContaining("base64 encoding of 32 bytes")
          .satisfies(e -> assertThat(piecesOf(key)).noneMatch(e.getMessage()::contains));
    }
    assertThat(dir.resolve("store.log")).doesNotExist();
  }

  private static List<String> piecesOf(String secret) {
    List<String> pieces = new ArrayList<>();
    for (int at = 0; at + 8 <= secret.length(); at++) {
      pieces.add(secret.substring(at, at + 8));
    }
    return pieces;
  }

  @Test
  void aMasterKeyFileOthersMayRead_stopsTheStart_askingForChmod600() throws IOException {
    Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class),
        "a file system with POSIX permissions");
    DataDirectoryKeyStore.open(dir, null).close();
    Path keyFile = dir.resolve("master.key");
    for (String mode : List.of("rw-r--r--", "rw-r-----", "rw-----w-")) {
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).as(mode).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("chmod 600 " + keyFile).hasMessageContaining(mode);
    }
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
    DataDirectoryKeyStore.open(dir, null).close();
  }

  @Test
  void aLogMissingOrEmptied_besideAMasterKey_isAWarningNamingTheDirectory_andTheStoreStartsEmpty() throws IOException {
    List<String> warnings = new ArrayList<>();
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null, warnings::add)) {
      gateway(store).admin().accessKeys().create(AccessKeyChange.builder().name("lost").build());
    }
    DataDirectoryKeyStore.open(dir, null, warnings::add).close();
    assertThat(warnings).as("a new directory, then a normal restart").isEmpty();

    Files.delete(dir.resolve("store.log"));
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null, warnings::add)) {
      assertThat(store.accessKeys(null, 10)).isEmpty();
    }
    assertThat(warnings).singleElement().asString().contains(dir.toString()).contains("store.log is missing")
        .contains("restore store.log from a backup");

    warnings.clear();
    Files.write(dir.resolve("store.log"), new byte[0]);
    DataDirectoryKeyStore.open(dir, null, warnings::add).close();
    assertThat(warnings).singleElement().asString().contains(dir.toString()).contains("store.log is empty");
  }

  @Test
  void aDirectoryThatCannotBeCreated_isAnUncheckedIOException() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(file.resolve("data"), null))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("not-a-directory");
  }

  @Test
  void closingTwice_doesNothing_andTheDataStays() {
    DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null);
    gateway(store).admin().accessKeys().create(AccessKeyChange.builder().name("closed").build());
    store.close();
    store.close();
    try (DataDirectoryKeyStore again = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(again.accessKeys(null, 10)).extracting(k -> k.name()).containsExactly("closed");
    }
  }

  /**
   * Regression: the master key was created in place (create, then write), so a crash between the two left
   * an empty master.key that refused every later start. It is now written to a temporary file, forced and
   * renamed; a temporary file a crash left behind is replaced.
   */
  @Test
  void theMasterKey_isCreatedWhole_andALeftoverTemporaryFileDoesNotStopIt() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("master.key.tmp"), "partial");
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.providerKeys()).isEmpty();
    }
    assertThat(Files.exists(dir.resolve("master.key.tmp"))).isFalse();
    String key = Files.readString(dir.resolve("master.key")).trim();
    assertThat(Base64.getDecoder().decode(key)).hasSize(32);
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve("master.key")))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }
}
