package dev.aigateway.functional;

import dev.aigateway.internal.admin.AdminJson;

import dev.aigateway.config.ConfigurationJson;

import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.Field;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderKeyChange;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.StepKey;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.VirtualModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class GatewayAdminTest {
  private Fixture f;
  private GatewayAdmin admin;

  @BeforeEach
  void setUp() {
    f = new Fixture();
    admin = f.admin;
  }

  @Test
  void createAccessKey_returnsTheTokenOnce_andReadsShowOnlyTheRedactedForm() {
    CreatedAccessKey created = admin.accessKeys().create(AdminJson.accessKeyChange(Fixture.resource("reference/create-access-key.json")));
    assertThat(created.token()).startsWith("ng-");
    assertThat(created.key().name()).isEqualTo("Production web app");
    assertThat(created.key().id()).startsWith("aigk_");
    AccessKey read = admin.accessKeys().get(created.key().id());
    assertThat(read.keyRedacted()).contains("***").isNotEqualTo(created.token());
    String secret = created.token().substring(30, 62);
    assertThat(read.toString()).doesNotContain(secret).doesNotContain(created.token());
    assertThat(created.toString()).doesNotContain(created.token());
    assertThat(new String(read.secretDigest(), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);
    assertThat(read.createdAt()).isEqualTo(f.clock.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  @Test
  void linkingAConfiguration_withTheReferenceBody() {
    AccessKeyConfiguration config = admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\"}"));
    CreatedAccessKey k = admin.accessKeys().create(AdminJson.accessKeyChange("{\"name\":\"app\"}"));
    AccessKey linked = admin.accessKeys().update(k.key().id(),
        AdminJson.accessKeyChange(Fixture.replace(Fixture.resource("reference/link-configuration.json"), Map.of("aigac_xxxxx", config.id()))));
    assertThat(linked.configurationId()).isEqualTo(config.id());
    assertThat(linked.name()).isEqualTo("app");
  }

  @Test
  void patch_omittedFieldsStay_nullClears() {
    CreatedAccessKey k = admin.accessKeys().create(AccessKeyChange.builder().name("n").description("d").metadata("m").build());
    AccessKey a = admin.accessKeys().update(k.key().id(), AdminJson.accessKeyChange("{\"description\":null}"));
    assertThat(a.name()).isEqualTo("n");
    assertThat(a.description()).isNull();
    assertThat(a.metadata()).isEqualTo("m");
    AccessKey b = admin.accessKeys().update(k.key().id(), AccessKeyChange.builder().metadata("m2").build());
    assertThat(b.name()).isEqualTo("n");
    assertThat(b.metadata()).isEqualTo("m2");

    AccessKeyConfiguration c = admin.configurations().create(ConfigurationJson.parseCreate(
        "{\"name\":\"c\",\"description\":\"d\",\"access\":{\"providers\":{\"allow\":[\"openai\"]}}}"));
    AccessKeyConfiguration c2 = admin.configurations().update(c.id(), AdminJson.configurationChange("{\"description\":\"new\"}"));
    assertThat(c2.access()).isEqualTo(c.access());
    assertThat(c2.description()).isEqualTo("new");
    AccessKeyConfiguration c3 = admin.configurations().update(c.id(), AdminJson.configurationChange("{\"access\":null}"));
    assertThat(c3.access()).isNull();
    assertThat(c3.name()).isEqualTo("c");
    assertThatThrownBy(() -> admin.configurations().update(c.id(), AdminJson.configurationChange("{\"name\":null}")))
        .isInstanceOf(ConfigurationException.class).hasMessage("name: cannot be cleared");
  }

  @Test
  void unknownConfigurationLink_isRefusedByField() {
    assertThatThrownBy(() -> admin.accessKeys().create(AdminJson.accessKeyChange("{\"accessKeyConfigurationId\":\"aigac_missing\"}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("accessKeyConfigurationId: no access key configuration 'aigac_missing'");
    assertThat(admin.accessKeys().list(null, 100).items()).isEmpty();
  }

  @Test
  void deletingAReferencedConfiguration_isAConflict() {
    AccessKeyConfiguration c = admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\"}"));
    CreatedAccessKey k = admin.accessKeys().create(AccessKeyChange.builder().configurationId(c.id()).build());
    GatewayException e = catchGateway(() -> admin.configurations().delete(c.id()));
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.getMessage()).contains(k.key().id());
    admin.accessKeys().delete(k.key().id());
    admin.configurations().delete(c.id());
    assertThat(catchGateway(() -> admin.configurations().get(c.id())).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void deletingAProviderKeyUsedByARule_isAConflict() {
    ProviderKey pk = f.providerKey("openai", "primary");
    AccessKeyConfiguration c = admin.configurations().create(ConfigurationJson.parseCreate(Fixture.replace(Fixture.resource("reference/create-configuration.json"),
        Map.of("aigpk_xxxxx", pk.id()))));
    GatewayException e = catchGateway(() -> admin.providerKeys().delete(pk.id()));
    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(e.getMessage()).contains(c.id());
    admin.configurations().update(c.id(), AdminJson.configurationChange("{\"router\":null}"));
    admin.providerKeys().delete(pk.id());
    assertThat(admin.providerKeys().list(null, null, 10).items()).isEmpty();
  }

  @Test
  void inlineKeys_becomeStoredProviderKeysOfTheRulesProvider() {
    ProviderKey primary = f.providerKey("openai", "primary");
    ProviderKey backup = f.providerKey("openai", "backup");
    AccessKeyConfiguration c = admin.configurations().create(ConfigurationJson.parseCreate(Fixture.replace(Fixture.resource("reference/semantics-create.json"),
        Map.of("aigpk_primary", primary.id(), "aigpk_backup", backup.id()))));
    List<StepKey> keys = c.rules().get(0).steps().get(0).keys();
    assertThat(keys).hasSize(3).noneMatch(StepKey::isInline);
    ProviderKey inline = admin.providerKeys().get(keys.get(2).id());
    assertThat(inline.providerId()).isEqualTo("openai");
    assertThat(inline.name()).isEqualTo("inline-created");
    assertThat(inline.value().reveal()).isEqualTo("sk-inline-secret-value");
    assertThat(inline.keyRedacted()).doesNotContain("inline-secret");
    assertThat(inline.toString()).doesNotContain("sk-inline-secret-value");
  }

  @Test
  void invalidConfiguration_createsNothing_andNamesThePath() {
    ProviderKey anthropicKey = f.providerKey("anthropic", "an");
    String json = "{\"name\":\"bad\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\","
        + "\"keys\":[{\"name\":\"new\",\"value\":\"sk-new-0123456789\"},{\"id\":\"" + anthropicKey.id() + "\"}]}]}]}}";
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate(json))).isInstanceOf(ConfigurationException.class)
        .hasMessage("router.rules[0].steps[0].keys[1].id: provider key " + anthropicKey.id()
            + " belongs to 'anthropic', not 'openai'");
    assertThat(admin.configurations().list(null, 100).items()).isEmpty();
    assertThat(admin.providerKeys().list(null, null, 100).items()).extracting(ProviderKey::name).containsExactly("an");

    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\","
        + "\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"aigpk_nope\"}]}]}]}}")))
        .hasMessage("router.rules[0].steps[0].keys[0].id: no provider key 'aigpk_nope'");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":["
        + "{\"provider\":\"openai\",\"steps\":[{\"type\":\"ngrok\"}]},{\"provider\":\"openai\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")))
        .hasMessage("router.rules[1].provider: at most one provider rule per provider; router.rules[0] already targets 'openai'");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":["
        + "{\"model\":\"gpt-4o\",\"steps\":[{\"type\":\"ngrok\"}]},{\"model\":\"openai:GPT-4o\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")))
        .hasMessage("router.rules[1].model: another rule (router.rules[0]) already targets openai:gpt-4o");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":["
        + "{\"provider\":\"nope\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")))
        .hasMessage("router.rules[0].provider: unknown provider 'nope'");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"router\":{\"rules\":["
        + "{\"provider\":\"anthropic\",\"model\":\"openai:gpt-4o\",\"steps\":[{\"type\":\"ngrok\"}]}]}}")))
        .hasMessage("router.rules[0].model: pins provider 'openai' but the rule's provider is 'anthropic'");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"x\",\"id\":\"aigac_mine\"}")))
        .hasMessageStartingWith("id: unknown field");
    assertThat(admin.configurations().list(null, 100).items()).isEmpty();
  }

  @Test
  void providerKeys_validateProviderNameAndValue() {
    assertThatThrownBy(() -> admin.providerKeys().create(ProviderKeyChange.builder().providerId("nope").name("n").value("v").build()))
        .hasMessage("providerId: unknown provider 'nope'");
    assertThatThrownBy(() -> admin.providerKeys().create(ProviderKeyChange.builder().providerId("openai").value("v").build()))
        .hasMessage("name: is required");
    assertThatThrownBy(() -> admin.providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("n").build()))
        .hasMessage("value: is required");
    assertThatThrownBy(() -> admin.providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("n")
        .value("sk-abc\r\nX-Injected: 1").build()))
        .hasMessage("value: must not contain control characters");
    assertThat(admin.providerKeys().list(null, null, 100).items()).isEmpty();
  }

  @Test
  void rotate_keepsTheId_andReplacesTheValue() {
    ProviderKey pk = f.providerKey("openai", "primary");
    ProviderKey rotated = admin.providerKeys().rotate(pk.id(), "primary-2", SecretValue.of("sk-new-value-0123456789"));
    assertThat(rotated.id()).isEqualTo(pk.id());
    assertThat(admin.providerKeys().get(pk.id()).value().reveal()).isEqualTo("sk-new-value-0123456789");
    assertThat(admin.providerKeys().get(pk.id()).name()).isEqualTo("primary-2");
    assertThatThrownBy(() -> admin.providerKeys().update(pk.id(), ProviderKeyChange.builder().value("x").build()))
        .hasMessage("value: cannot be changed by update; rotate the key");
  }

  @Test
  void listing_pagesNewestFirst_withBeforeIdAndLimit() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ids.add(admin.accessKeys().create(AccessKeyChange.builder().name("k" + i).build()).key().id());
    }
    List<String> seen = new ArrayList<>();
    String before = null;
    int pages = 0;
    do {
      Page<AccessKey> page = admin.accessKeys().list(before, 10);
      page.items().forEach(k -> seen.add(k.id()));
      before = page.nextBeforeId();
      pages++;
    } while (before != null);
    assertThat(pages).isEqualTo(3);
    List<String> expected = new ArrayList<>(ids);
    expected.sort(java.util.Comparator.reverseOrder());
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThatThrownBy(() -> admin.accessKeys().list(null, 0)).hasMessage("limit: must be from 1 to 100 but was 0");
    assertThatThrownBy(() -> admin.accessKeys().list(null, 101)).hasMessage("limit: must be from 1 to 100 but was 101");
  }

  @Test
  void idsCarryTheirTypePrefix_andAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      assertThat(ids.add(admin.accessKeys().create(AccessKeyChange.builder().build()).key().id())).isTrue();
    }
    assertThat(ids).allMatch(id -> id.matches("aigk_[0-9A-Za-z]{22}"));
    assertThat(admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\"}")).id()).matches("aigac_[0-9A-Za-z]{22}");
    assertThat(f.providerKey("openai", "p").id()).matches("aigpk_[0-9A-Za-z]{22}");
    assertThat(admin.virtualModels().create("fast", null, List.of("gpt-4o-mini")).id()).matches("aigvm_[0-9A-Za-z]{22}");
    assertThat(admin.providers().create(CustomProvider.builder().providerId("vllm").baseUrl("https://v.example.com/v1")).id())
        .matches("aigp_[0-9A-Za-z]{22}");
  }

  @Test
  void customProviders_refuseTakenIdsBadUrlsAndDuplicateModels_andDeletesOfUsedOnes() {
    assertThat(catchGateway(() -> admin.providers().create(CustomProvider.builder().providerId("openai")
        .baseUrl("https://x.example.com"))).code()).isEqualTo(ErrorCode.CONFLICT);
    admin.providers().create(CustomProvider.builder().providerId("vllm").baseUrl("https://v.example.com/v1"));
    assertThat(catchGateway(() -> admin.providers().create(CustomProvider.builder().providerId("vllm")
        .baseUrl("https://x.example.com"))).code()).isEqualTo(ErrorCode.CONFLICT);
    assertThatThrownBy(() -> admin.providers().create(CustomProvider.builder().providerId("Bad Id")
        .baseUrl("https://x.example.com"))).hasMessageStartingWith("providerId: must be 1 to 255 characters");
    assertThatThrownBy(() -> admin.providers().create(CustomProvider.builder().providerId("p2")
        .baseUrl("ftp://x.example.com"))).hasMessage("baseUrl: must be an https URL");
    assertThatThrownBy(() -> admin.providers().create(CustomProvider.builder().providerId("p2")
        .baseUrl("https://user:pw@x.example.com"))).hasMessage("baseUrl: must have a host and no user info or fragment");
    assertThatThrownBy(() -> admin.providers().create(CustomProvider.builder().providerId("p2")
        .baseUrl("https://x.example.com/\r\nHost: evil"))).hasMessage("baseUrl: must not contain spaces or control characters");
    assertThatThrownBy(() -> admin.providers().create(CustomProvider.builder().providerId("p2")
        .baseUrl("https://x.example.com").models(List.of("m", "M")))).hasMessage("models[1].modelId: 'M' is listed twice");

    ProviderKey k = f.providerKey("vllm", "k");
    assertThat(catchGateway(() -> admin.providers().delete("vllm")).code()).isEqualTo(ErrorCode.CONFLICT);
    admin.providerKeys().delete(k.id());
    AccessKeyConfiguration c = admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\",\"access\":{\"providers\":{\"allow\":[\"vllm\"]}}}"));
    assertThat(catchGateway(() -> admin.providers().delete("vllm")).getMessage()).contains(c.id());
    admin.configurations().delete(c.id());
    admin.providers().delete("vllm");
    assertThat(admin.providers().list(null, 10).items()).isEmpty();
  }

  @Test
  void virtualModels_followTheReferenceRules() {
    VirtualModel vm = admin.virtualModels().create("smart", "best", List.of("claude-sonnet-4-6", "openai:gpt-4o"));
    assertThat(vm.targets()).containsExactly("claude-sonnet-4-6", "openai:gpt-4o");
    assertThat(catchGateway(() -> admin.virtualModels().create("SMART", null, List.of("gpt-4o"))).code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThat(catchGateway(() -> admin.virtualModels().create("gpt-4o", null, List.of("gpt-4o-mini"))).code())
        .isEqualTo(ErrorCode.CONFLICT);
    assertThatThrownBy(() -> admin.virtualModels().create("has space", null, List.of("gpt-4o")))
        .hasMessage("name: may use only letters, digits, '.', '_' and '-'");
    assertThatThrownBy(() -> admin.virtualModels().create("x".repeat(65), null, List.of("gpt-4o")))
        .hasMessage("name: must be at most 64 characters");
    assertThatThrownBy(() -> admin.virtualModels().create("none", null, List.of()))
        .hasMessage("targets: must have 1 to 10 entries but had 0");
    assertThatThrownBy(() -> admin.virtualModels().create("eleven", null, java.util.Collections.nCopies(11, "gpt-4o")))
        .hasMessage("targets: must have 1 to 10 entries but had 11");
    assertThatThrownBy(() -> admin.virtualModels().create("dup", null, List.of("gpt-4o", "openai/GPT-4o")))
        .hasMessage("targets[1]: 'openai/GPT-4o' is listed twice");
    assertThatThrownBy(() -> admin.virtualModels().create("nested", null, List.of("smart")))
        .hasMessage("targets[0]: a virtual model cannot target a virtual model");
    assertThatThrownBy(() -> admin.virtualModels().create("unknown", null, List.of("no-such-model")))
        .hasMessageStartingWith("targets[0]: Unknown model \"no-such-model\"");
    assertThatThrownBy(() -> admin.configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\",\"access\":{\"models\":{\"allow\":[\"smart\"]}}}")))
        .hasMessage("access.models.allow[0]: 'smart' is a virtual model; allow its target models instead");
    VirtualModel renamed = admin.virtualModels().update(vm.id(), "clever", Field.absent(), null);
    assertThat(renamed.name()).isEqualTo("clever");
    assertThat(renamed.description()).isEqualTo("best");
    admin.virtualModels().delete(vm.id());
    assertThat(catchGateway(() -> admin.virtualModels().get(vm.id())).code()).isEqualTo(ErrorCode.NOT_FOUND);
  }

  @Test
  void tooLongTextFields_areRefusedByName() {
    assertThatThrownBy(() -> admin.accessKeys().create(AccessKeyChange.builder().name("x".repeat(256)).build()))
        .hasMessage("name: must be at most 255 characters but was 256");
    assertThatThrownBy(() -> admin.accessKeys().create(AccessKeyChange.builder().metadata("x".repeat(4097)).build()))
        .hasMessage("metadata: must be at most 4096 characters but was 4097");
    assertThatThrownBy(() -> admin.accessKeys().create(AdminJson.accessKeyChange("{\"name\":\"x\",\"token\":\"mine\"}")))
        .hasMessageStartingWith("token: unknown field");
  }

}
