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
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
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
    Files.write(log, List.of(
        "{\"op\":\"put\",\"type\":\"x:adminKey\",\"data\":{\"id\":\"aigak_old\",\"digest\":\"AAAA\"}}",
        "{\"op\":\"put\",\"type\":\"x:gatewayConfig\",\"data\":{\"id\":\"default\",\"maxAttempts\":3}}",
        "{\"op\":\"del\",\"type\":\"x:adminKey\",\"id\":\"aigak_old\"}"), StandardOpenOption.APPEND);
    try (DataDirectoryKeyStore store = DataDirectoryKeyStore.open(dir, null)) {
      assertThat(store.accessKeys(null, 10)).extracting(k -> k.id()).containsExactly(keyId);
      store.compact();
    }
    assertThat(Files.readString(log)).contains(keyId).doesNotContain("x:");
  }

  @Test
  void anUnknownRecordType_isStillDamage() throws IOException {
    DataDirectoryKeyStore.open(dir, null).close();
    Files.write(dir.resolve("store.log"), List.of("{\"op\":\"put\",\"type\":\"gadget\",\"data\":{\"id\":\"g\"}}"),
        StandardOpenOption.APPEND);
    assertThatThrownBy(() -> DataDirectoryKeyStore.open(dir, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("store.log line 2").hasMessageContaining("unknown record type 'gadget'");
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
}
