package dev.aigateway.functional;

import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.config.KeySelectionStrategy;
import dev.aigateway.config.RoutingRule;
import dev.aigateway.config.RoutingStep;
import dev.aigateway.config.StepKey;
import dev.aigateway.config.StepType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.ErrorCode;
import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.internal.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ConfigurationJsonTest {

  @Test
  void referenceCreateBody_parses() {
    AccessKeyConfiguration c = ConfigurationJson.parse(Fixture.resource("reference/create-configuration.json"));
    assertThat(c.name()).isEqualTo("Production OpenAI BYOK");
    assertThat(c.access().allowedProviders()).containsExactly("openai");
    assertThat(c.access().allowedModels()).containsExactly("openai/gpt-4o");
    RoutingRule rule = c.rules().get(0);
    assertThat(rule.provider()).isEqualTo("openai");
    assertThat(rule.model()).isNull();
    RoutingStep step = rule.steps().get(0);
    assertThat(step.type()).isEqualTo(StepType.USER);
    assertThat(step.keySelectionStrategy()).isEqualTo(KeySelectionStrategy.ORDERED);
    assertThat(step.keys()).containsExactly(StepKey.ref("aigpk_xxxxx"));
  }

  @Test
  void designExample_parsesWithInlineKeysAndBothManagedSpellings() {
    AccessKeyConfiguration c = ConfigurationJson.parse(Fixture.resource("reference/design-example.json"));
    assertThat(c.description()).isEqualTo("optional");
    assertThat(c.metadata()).isEqualTo("optional string");
    RoutingStep user = c.rules().get(0).steps().get(0);
    assertThat(user.keys().get(1).isInline()).isTrue();
    assertThat(user.keys().get(1).name()).isEqualTo("inline");
    assertThat(user.keys().get(1).toString()).doesNotContain("sk-");
    assertThat(c.rules().get(0).steps().get(1).typeName()).isEqualTo("ngrok");
    assertThat(c.rules().get(0).steps().get(1).type()).isEqualTo(StepType.MANAGED);
    assertThat(c.rules().get(1).model()).isEqualTo("openai:gpt-4o-mini");
    assertThat(c.rules().get(1).steps().get(0).keySelectionStrategy()).isNull();
  }

  @Test
  void restrictExample_parsesAsAnAccessBlock() {
    ObjectNode node = Json.parseObject(Fixture.resource("reference/restrict-providers-and-models.json"));
    node.put("name", "restricted");
    AccessKeyConfiguration c = ConfigurationCodec.read(node, true);
    assertThat(c.access().allowedProviders()).containsExactly("openai", "anthropic");
    assertThat(c.rules()).isNull();
  }

  @Test
  void configurations_roundTrip_preservingWhatWasGiven() {
    for (String name : new String[] {"reference/create-configuration.json", "reference/semantics-create.json"}) {
      AccessKeyConfiguration c = ConfigurationJson.parse(Fixture.resource(name));
      AccessKeyConfiguration refs = c.mapKeys(k -> k.isInline() ? StepKey.ref("aigpk_inline") : k);
      ObjectNode written = ConfigurationCodec.write(refs, null, null);
      AccessKeyConfiguration again = ConfigurationCodec.read(written, false);
      assertThat(again).as(name).isEqualTo(refs);
      assertThat(ConfigurationCodec.write(again, null, null)).isEqualTo(written);
    }
    // the managed step keeps the spelling it was given
    ObjectNode written = ConfigurationCodec.write(ConfigurationJson.parse(Fixture.resource("reference/semantics-create.json"))
        .mapKeys(k -> k.isInline() ? StepKey.ref("aigpk_inline") : k), null, null);
    assertThat(written.at("/router/rules/0/steps/1/type").asText()).isEqualTo("ngrok");
    assertThat(written.toString()).doesNotContain("sk-inline-secret-value");
  }

  @Test
  void omittedAndEmptyDimensions_stayDistinct() {
    AccessKeyConfiguration c = ConfigurationJson.parse("{\"name\":\"x\",\"access\":{\"providers\":{\"allow\":[]}}}");
    assertThat(c.access().allowedProviders()).isEmpty();
    assertThat(c.access().allowedModels()).isNull();
    JsonNode written = ConfigurationCodec.write(c, null, null);
    assertThat(written.at("/access/providers/allow").isArray()).isTrue();
    assertThat(written.at("/access/models").isMissingNode()).isTrue();
    assertThat(ConfigurationJson.parse("{\"name\":\"x\"}").access()).isNull();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"ngrok\"},{\"type\":\"user\",\"keys\":[]}]}]}}"
          + "|router.rules[0].steps[1].keys: must not be empty for a user step",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\"}]}]}}"
          + "|router.rules[0].steps[0].keys: is required for a user step",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[]}]}}"
          + "|router.rules[0].steps: must not be empty",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"steps\":[{\"type\":\"ngrok\"}]}]}}"
          + "|router.rules[0]: a rule needs a provider, a model, or both",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"magic\"}]}]}}"
          + "|router.rules[0].steps[0].type: must be one of user, ngrok, managed but was 'magic'",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keySelectionStrategy\":\"random\",\"keys\":[{\"id\":\"aigpk_1\"}]}]}]}}"
          + "|router.rules[0].steps[0].keySelectionStrategy: must be one of ordered, round-robin, weighted but was 'random'",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"ngrok\",\"keys\":[{\"id\":\"aigpk_1\"}]}]}]}}"
          + "|router.rules[0].steps[0].keys: is only allowed on a user step",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"name\":\"n\"}]}]}]}}"
          + "|router.rules[0].steps[0].keys[0]: needs an id, or a name and value for a new provider key",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"a\",\"weight\":0}]}]}]}}"
          + "|router.rules[0].steps[0].keys[0].weight: must be from 1 to 1000 but was 0",
      "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\",\"keys\":[{\"id\":\"a\",\"secret\":\"s\"}]}]}]}}"
          + "|router.rules[0].steps[0].keys[0].secret: unknown field; allowed fields are [id, keyRedacted, name, value, weight]",
      "{\"name\":\"x\",\"acess\":{}}|acess: unknown field; allowed fields are [access, createdAt, createdBy, description, id, lastUpdatedBy, limits, metadata, name, router, updatedAt, uri]",
      "{\"name\":\"x\",\"access\":{\"providers\":{\"deny\":[\"openai\"]}}}|access.providers.deny: unknown field; allowed fields are [allow]",
      "{\"name\":\"x\",\"access\":{\"providers\":{\"allow\":\"openai\"}}}|access.providers.allow: must be an array but was a string",
      "{\"name\":\"x\",\"access\":{\"models\":{\"allow\":[\"openai/gpt-4o\",7]}}}|access.models.allow[1]: must be a string but was a number",
      "{\"name\":\"x\",\"access\":[]}|access: must be an object but was an array",
      "{\"description\":\"no name\"}|name: is required",
      "{\"name\":\"\"}|name: must not be empty",
      "{\"name\":12}|name: must be a string but was a number",
      "[1,2]|must be a JSON object but was an array",
      "{\"name\":\"x\",\"name\":\"y\"}|not valid JSON: Duplicate field 'name' (line 1, column 19)",
  })
  void badConfigurations_nameThePathAndTheRule(String json, String message) {
    assertThatThrownBy(() -> ConfigurationJson.parse(json))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((ConfigurationException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION));
  }

  @Test
  void notJson_invalidUtf8_andDeepNesting_neverThrowARawJacksonException() {
    String[] inputs = {"", "{", "{\"name\":", "nul", "{\"name\":\"x\"}}", "{'name':'x'}"};
    for (String in : inputs) {
      assertThatThrownBy(() -> ConfigurationJson.parse(in)).as(in).isInstanceOf(ConfigurationException.class);
    }
    byte[] badUtf8 = "{\"name\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
    badUtf8[10] = (byte) 0xFF;
    assertThatThrownBy(() -> ConfigurationJson.parse(badUtf8)).isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("not valid JSON");
    String deep = "{\"name\":\"x\",\"metadata\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
    assertThatThrownBy(() -> ConfigurationJson.parse(deep)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void parseErrors_neverEchoLongValues_thatMightBeSecrets() {
    String json = "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\","
        + "\"keys\":[{\"name\":\"k\",\"value\":\"sk-live-SECRETSECRETSECRET\"}]}]}]} trailing";
    assertThatThrownBy(() -> ConfigurationJson.parse(json)).isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    String typo = "{\"name\":\"x\",\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":[{\"type\":\"user\","
        + "\"keys\":[{\"name\":\"k\",\"value\":sk-live-SECRETSECRETSECRET}]}]}]}}";
    assertThatThrownBy(() -> ConfigurationJson.parse(typo)).isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
  }
}
