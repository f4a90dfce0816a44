package dev.aigateway.functional;

import static dev.aigateway.functional.Fixture.catchGateway;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.RequestRejectedException;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.Surface;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN §4 errors reachable without a network: body, size, credits, surfaces; request ids on each. */
final class RequestErrorsTest {
  private Fixture f;
  private String token;

  @BeforeEach
  void setUp() {
    f = new Fixture();
    f.providerKey("openai", "k");
    token = f.accessKey(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json", "", "[]", "\"a string\"", "{\"model\":\"gpt-4o\"", "{\"model\":\"gpt-4o\"} trailing",
      "{\"model\":42}", "{\"model\":{\"name\":\"gpt-4o\"}}", "{\"model\":[\"gpt-4o\"]}", "{\"model\":true}",
      "{\"model\":\"gpt-4o\",\"models\":\"gpt-4o-mini\"}", "{\"model\":\"gpt-4o\",\"models\":[1,2]}",
      "{\"model\":\"gpt-4o\",\"models\":[null]}", "{\"model\":\"gpt-4o\",\"models\":[[\"x\"]]}",
      "{\"messages\":[]}", "{\"model\":null}",
      // case variants a case-insensitive provider would read, a stream that is not a boolean, control characters
      "{\"model\":\"gpt-4o-mini\",\"Model\":\"gpt-4o\"}", "{\"model\":\"gpt-4o\",\"Stream\":true}",
      "{\"model\":\"gpt-4o\",\"stream\":\"true\"}", "{\"model\":\"gpt-4o\\r\\nX: y\"}",
      "{\"model\":\"gpt-4o\\u0000\"}", "{\"model\":\"gpt-4o\",\"models\":[\"gpt-4o-mini\\n\"]}"})
  void badBodies_areInvalidRequestBody(String body) {
    GatewayException e = catchGateway(() -> f.chat(token, body));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST_BODY);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).startsWith("Invalid request body: ");
    assertThat(e).isInstanceOf(RequestRejectedException.class);
    assertThat(((RequestRejectedException) e).requestId()).startsWith("rq_");
  }

  @Test
  void invalidUtf8AndDeepNesting_areInvalidRequestBody_notACrash() {
    byte[] badUtf8 = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThat(catchGateway(() -> f.gateway.plan(GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS)
        .header("Authorization", "Bearer " + token).body(badUtf8).build())).code())
        .isEqualTo(ErrorCode.INVALID_REQUEST_BODY);
    String deep = "{\"model\":\"gpt-4o\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    assertThat(catchGateway(() -> f.chat(token, deep)).code()).isEqualTo(ErrorCode.INVALID_REQUEST_BODY);
  }

  @Test
  void unknownFieldsAndLargeValues_areForwardedUntouched_notRefused() {
    RoutePlan plan = f.chat(token, "{\"model\":\"gpt-4o\",\"temperature\":1e400,\"n\":123456789012345678901234567890,"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"parameters\":{\"a\":{\"b\":{\"c\":[1,2,3]}}}}}],"
        + "\"stream\":true}");
    assertThat(plan.stream()).isTrue();
    assertThat(plan.needsRewrite(plan.candidates().get(0))).isFalse();
  }

  @Test
  void bodyOverTheLimit_isRequestTooLarge() {
    Fixture small = new Fixture(Gateway.builder().maxRequestBytes(1024), KeyStore.inMemory());
    small.providerKey("openai", "k");
    String t = small.accessKey(null);
    String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(1000) + "\"}]}";
    assertThat(body.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(1024);
    GatewayException e = catchGateway(() -> small.chat(t, body));
    assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
    assertThat(e.status()).isEqualTo(413);
    String fits = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(900) + "\"}]}";
    assertThat(small.chat(t, fits).candidates()).hasSize(1);
  }

  @Test
  void exhaustedCredits_areInsufficientCredits() {
    CreditLedger ledger = CreditLedger.inMemory();
    ledger.grant(1, "one cent");
    Fixture paid = new Fixture(Gateway.builder().creditLedger(ledger)
        .accountSettings(Gateway.AccountSettings.defaults().withCreditsEnforced(true)), KeyStore.inMemory());
    paid.providerKey("openai", "k");
    String t = paid.accessKey(null);
    String body = "{\"model\":\"gpt-4o\",\"messages\":[]}";
    assertThat(paid.chat(t, body).candidates()).hasSize(1);
    String keyId = paid.gateway.authenticate(t).id();
    ledger.charge(new CreditLedger.Charge("rq_1", keyId, "openai", "gpt-4o", false, 1, 0, 1, 0));
    GatewayException e = catchGateway(() -> paid.chat(t, body));
    assertThat(e.code()).isEqualTo(ErrorCode.INSUFFICIENT_CREDITS);
    assertThat(e.status()).isEqualTo(403);
  }

  @Test
  void unknownPath_isUnsupportedSurface() {
    GatewayException e = catchGateway(() -> GatewayRequest.builder().path("/v1/audio/speech"));
    assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_SURFACE);
    assertThat(e.status()).isEqualTo(404);
    assertThat(GatewayRequest.builder().path("/v1/chat/completions/").build().surface())
        .isEqualTo(Surface.CHAT_COMPLETIONS);
  }

  @Test
  void listenerSeesPlansAndRejections_andAThrowingListenerBreaksNothing() {
    List<String> events = new ArrayList<>();
    GatewayListener listener = new GatewayListener() {
      @Override
      public void planned(RoutePlan plan) {
        events.add("planned " + plan.candidates().get(0).model());
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void rejected(String requestId, GatewayException error) {
        events.add("rejected " + error.code().code());
        throw new IllegalStateException("listener bug");
      }
    };
    Fixture lf = new Fixture(Gateway.builder().listener(listener), KeyStore.inMemory());
    lf.providerKey("openai", "k");
    String t = lf.accessKey(null);
    assertThat(lf.chatModel(t, "gpt-4o").candidates()).hasSize(1);
    assertThat(catchGateway(() -> lf.chatModel(t, "nope:x")).code()).isEqualTo(ErrorCode.PROVIDER_NOT_FOUND);
    assertThat(events).containsExactly("planned gpt-4o", "rejected provider_not_found");
  }

  @Test
  void everyErrorCode_hasTheStatusOfTheContract() {
    assertThat(ErrorCode.INVALID_ACCESS_KEY.status()).isEqualTo(401);
    assertThat(ErrorCode.INVALID_REQUEST_BODY.status()).isEqualTo(400);
    assertThat(ErrorCode.NO_CREDENTIALS.status()).isEqualTo(400);
    assertThat(ErrorCode.PROVIDER_NOT_ALLOWED.status()).isEqualTo(403);
    assertThat(ErrorCode.MODEL_NOT_ALLOWED.status()).isEqualTo(403);
    assertThat(ErrorCode.MODEL_NOT_FOUND.status()).isEqualTo(404);
    assertThat(ErrorCode.PROVIDER_NOT_FOUND.status()).isEqualTo(404);
    assertThat(ErrorCode.UNSUPPORTED_SURFACE.status()).isEqualTo(404);
    assertThat(ErrorCode.REQUEST_TOO_LARGE.status()).isEqualTo(413);
    assertThat(ErrorCode.INSUFFICIENT_CREDITS.status()).isEqualTo(403);
    assertThat(ErrorCode.RATE_LIMITED.status()).isEqualTo(429);
    assertThat(ErrorCode.ALL_PROVIDERS_FAILED.status()).isEqualTo(503);
    assertThat(ErrorCode.GATEWAY_TIMEOUT.status()).isEqualTo(504);
    assertThat(ErrorCode.INVALID_ACCESS_KEY.code()).isEqualTo("invalid_access_key");
    assertThat(ErrorCode.ALL_PROVIDERS_FAILED.code()).isEqualTo("all_providers_failed");
  }
}
