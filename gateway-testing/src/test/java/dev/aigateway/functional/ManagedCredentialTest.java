package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §3: a managed credential (a {@code managed} / {@code ngrok} step, or default routing) serves only
 * models the catalog lists with a price, since credits pay for them; the host's own keys serve any model.
 */
final class ManagedCredentialTest {
  private static final String MANAGED = "managed-openai-secret-0123456789";
  private static final String USER = "sk-user-openai-0123456789";
  private static final String OK = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";

  private FakeUpstream upstream;
  private Gateway gateway;
  private String userKeyId;

  @BeforeEach
  void setUp() {
    FakeClock clock = FakeClock.create();
    upstream = FakeUpstream.create(clock);
    upstream.otherwise().always(FakeUpstream.json(200, OK));
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream)
        .credentialResolver(CredentialResolver.storeValues().withManaged("openai", SecretValue.of(MANAGED))).build();
    userKeyId = gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("mine")
        .value(USER).build()).id();
  }

  @AfterEach
  void tearDown() {
    gateway.close();
  }

  private String key(String steps) {
    String configId = gateway.admin().configurations().create(ConfigurationJson.parseCreate("{\"name\":\"c\","
        + "\"router\":{\"rules\":[{\"provider\":\"openai\",\"steps\":" + steps + "}]}}")).id();
    return gateway.admin().accessKeys().create(AccessKeyChange.builder().configurationId(configId).build()).token();
  }

  private GatewayRequest chat(String token, String model) {
    return GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, "{\"model\":\"" + model + "\",\"messages\":[]}");
  }

  private RequestRejectedException refused(String token, String model) {
    return catchThrowableOfType(RequestRejectedException.class, () -> gateway.handle(chat(token, model)).close());
  }

  /** Regression: a managed step passed a model the catalog does not know to the provider with the managed secret. */
  @Test
  void managedStepRefusesUncataloguedModel() {
    String managedOnly = key("[{\"type\":\"ngrok\"}]");
    RequestRejectedException e = refused(managedOnly, "openai:gpt-uncatalogued");
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("serves only catalogued models with a price")
        .contains("is not in the catalog");
    assertThat(upstream.requests()).as("no upstream call at all").isEmpty();
  }

  /** Regression: a managed step served a catalogued model that has no price, which credits cannot pay for. */
  @Test
  void managedStepRefusesUnpricedModel() {
    String managedOnly = key("[{\"type\":\"managed\"}]");
    RequestRejectedException e = refused(managedOnly, "openai:gpt-3.5-turbo-instruct");
    assertThat(e.code()).isEqualTo(ErrorCode.NO_CREDENTIALS);
    assertThat(e.getMessage()).contains("has no price");
    assertThat(e.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("has no price"));
    assertThat(upstream.requestsFor(MANAGED)).isEmpty();
    assertThat(upstream.requests()).isEmpty();
  }

  @Test
  void managedStep_servesAPricedModel() {
    try (GatewayResponse r = gateway.handle(chat(key("[{\"type\":\"ngrok\"}]"), "gpt-4o"))) {
      assertThat(r.status()).isEqualTo(200);
    }
    assertThat(upstream.requestsFor(MANAGED)).hasSize(1);
  }

  @Test
  void aUserStep_stillServesUncataloguedAndUnpricedModels_andTheManagedSecretIsNeverSent() {
    String userThenManaged = key("[{\"type\":\"user\",\"keys\":[{\"id\":\"" + userKeyId + "\"}]},{\"type\":\"ngrok\"}]");
    for (String model : new String[] {"openai:gpt-uncatalogued", "openai:gpt-3.5-turbo-instruct"}) {
      RoutePlan plan = gateway.plan(chat(userThenManaged, model));
      assertThat(plan.attempts()).as(model).singleElement().satisfies(a -> assertThat(a.managed()).isFalse());
      try (GatewayResponse r = gateway.execute(plan)) {
        assertThat(r.status()).isEqualTo(200);
      }
    }
    assertThat(upstream.requestsFor(USER)).hasSize(2);
    assertThat(upstream.requestsFor(MANAGED)).isEmpty();
  }

  @Test
  void defaultRouting_addsTheManagedCredentialOnlyForPricedModels() {
    String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
    assertThat(gateway.plan(chat(token, "gpt-4o")).attempts()).extracting(a -> a.managed()).containsExactly(false, true);
    assertThat(gateway.plan(chat(token, "openai:gpt-3.5-turbo-instruct")).attempts()).extracting(a -> a.managed())
        .containsExactly(false);
  }

  @Test
  void theRefusal_isExplained_whenAFallbackModelServes() {
    String managedOnly = key("[{\"type\":\"ngrok\"}]");
    RoutePlan plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, managedOnly,
        "{\"model\":\"openai:gpt-3.5-turbo-instruct\",\"models\":[\"gpt-4o\"]}"));
    assertThat(plan.candidates()).singleElement().satisfies(c -> assertThat(c.model()).isEqualTo("gpt-4o"));
    assertThat(plan.explain()).contains("rejected: \"openai:gpt-3.5-turbo-instruct\"").contains("no_credentials")
        .contains("has no price");
  }
}
