package dev.aigateway.examples.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import dev.aigateway.catalog.ProviderCatalog;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;

/**
 * Fuzz tests (Jazzer) for the parsers that read untrusted input. Without {@code JAZZER_FUZZ=1} they run
 * as regression tests over the committed seed corpus in
 * {@code src/test/resources/dev/aigateway/examples/fuzz/ParserFuzzTestInputs/}; with it, they fuzz.
 * Each asserts the parser's contract: a result or its documented exception, never anything else.
 */
final class ParserFuzzTest {
  private static final AccessTokens TOKENS = new AccessTokens("ng-", Ids.ACCESS_KEY);
  private static final ModelResolver RESOLVER = new ModelResolver(ProviderCatalog.builtIn());

  @FuzzTest
  void configurationParser(byte[] input) {
    try {
      AccessKeyConfiguration c = ConfigurationJson.parse(input);
      // what parses must write back and parse to the same configuration
      AccessKeyConfiguration again = ConfigurationJson.parse(
          ConfigurationJson.write(c.mapKeys(k -> k.isInline() ? dev.aigateway.config.StepKey.ref("aigpk_x") : k)));
      assertThat(again.name()).isEqualTo(c.name());
      assertThat(again.access()).isEqualTo(c.access());
    } catch (ConfigurationException e) {
      assertThat(e.getMessage()).isNotBlank();
      assertThat(e.path()).isNotNull();
    }
  }

  @FuzzTest
  void tokenParser(FuzzedDataProvider data) {
    String token = data.consumeRemainingAsString();
    String id = TOKENS.keyIdOf(token);
    if (id != null) {
      assertThat(id).startsWith("aigk_").hasSize(27);
      assertThat(token).startsWith("ng-").hasSize(3 + 22 + 4 + 38);
    }
  }

  @FuzzTest
  void modelStringParser(FuzzedDataProvider data) {
    Surface surface = data.pickValue(Surface.values());
    String model = data.consumeRemainingAsString();
    try {
      ModelResolver.Resolved r = RESOLVER.resolve(model, surface, ModelResolver.NO_HINTS);
      assertThat(r.provider().serves(surface)).isTrue();
      assertThat(r.model()).isNotEmpty();
    } catch (GatewayException e) {
      assertThat(e.code().status()).isIn(404);
    }
  }

  @FuzzTest
  void requestBodyScanner(byte[] body) {
    try {
      BodyScanner.Result r = BodyScanner.scan(body, 0, body.length);
      assertThat(r.members).isNotNegative();
    } catch (GatewayException e) {
      assertThat(e.code().code()).isEqualTo("invalid_request_body");
    }
  }
}
