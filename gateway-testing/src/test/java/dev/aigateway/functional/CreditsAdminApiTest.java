package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The management API's {@code /credits/*} and the account fields of {@code /gateway-config} (DESIGN §5). */
final class CreditsAdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String adminToken = AdminKeys.newToken();
  private final List<Gateway.AccountSettings> saved = new ArrayList<>();
  private Gateway gateway;
  private AdminApi api;

  @BeforeEach
  void setUp() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(FakeClock.create()).build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(adminToken);
    api = AdminApi.create(gateway, keys, null, saved::add);
  }

  private AdminResponse call(String method, String path, @Nullable String query, String body) throws IOException {
    return api.handle(method, path, query, "Bearer " + adminToken,
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode json(AdminResponse r) throws IOException {
    assertThat(r.json()).as("body of " + r).isNotNull();
    return JSON.readTree(r.json());
  }

  private static void assertAdminError(AdminResponse r, int status, String code, String msgPart) throws IOException {
    assertThat(r.status()).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.path("errorCode").asText()).isEqualTo(code);
    assertThat(n.path("statusCode").asInt()).isEqualTo(status);
    assertThat(n.path("msg").asText()).contains(msgPart);
    assertThat(n.path("details").isObject()).isTrue();
  }

  @Test
  void balance_startsAtZero_andGrantsAddToIt() throws IOException {
    assertThat(json(call("GET", "/credits/balance", null, "")).path("balanceCents").asLong()).isZero();
    AdminResponse created = call("POST", "/credits/grants", null, "{\"amountCents\":500,\"description\":\"welcome\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode grant = json(created);
    assertThat(grant.path("id").asText()).startsWith("aigct_");
    assertThat(grant.path("type").asText()).isEqualTo("grant");
    assertThat(grant.path("amountCents").asLong()).isEqualTo(500);
    assertThat(grant.path("description").asText()).isEqualTo("welcome");
    call("POST", "/credits/grants", null, "{\"amountCents\":250}");
    JsonNode balance = json(call("GET", "/credits/balance", null, ""));
    assertThat(balance.path("balanceCents").asLong()).isEqualTo(750);
    assertThat(balance.path("balanceMicroCents").asLong()).isEqualTo(750_000_000L);
  }

  /** Regression: whole amounts were written as {@code 5E+2}, which clients reading an integer refuse. */
  @Test
  void wholeCentAmounts_areWrittenAsPlainIntegers_neverWithAnExponent() throws IOException {
    AdminResponse created = call("POST", "/credits/grants", null, "{\"amountCents\":500}");
    assertThat(Objects.requireNonNull(created.json())).contains("\"amountCents\":500,");
    call("POST", "/credits/grants", null, "{\"amountCents\":120}");
    String listed = Objects.requireNonNull(call("GET", "/credits/transactions", null, "").json());
    assertThat(listed).contains("\"amountCents\":120,").contains("\"amountCents\":500,").doesNotContain("E+");
    JsonNode grant = json(created);
    assertThat(grant.path("amountCents").isIntegralNumber()).as("an integer to JSON readers").isTrue();
  }

  @Test
  void transactions_listGrantsAndUsage_newestFirst_withPaging() throws IOException {
    call("POST", "/credits/grants", null, "{\"amountCents\":100,\"description\":\"a\"}");
    gateway.creditLedger().charge(new CreditLedger.Charge("rq_1", "aigk_1", "openai", "gpt-4o", true, 10, 4, 70,
        1_500));
    call("POST", "/credits/grants", null, "{\"amountCents\":200,\"description\":\"b\"}");
    JsonNode all = json(call("GET", "/credits/transactions", null, ""));
    JsonNode items = all.path("items");
    assertThat(items).hasSize(3);
    assertThat(items.get(0).path("description").asText()).isEqualTo("b");
    JsonNode usage = items.get(1);
    assertThat(usage.path("type").asText()).isEqualTo("usage");
    assertThat(usage.path("amountMicroCents").asLong()).isEqualTo(-1_570);
    assertThat(usage.path("amountCents").decimalValue()).isEqualByComparingTo("-0.00157");
    assertThat(usage.path("requests").asLong()).isEqualTo(1);
    assertThat(usage.path("inputTokens").asLong()).isEqualTo(10);
    assertThat(usage.path("day").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(all.path("nextPageUri").isNull()).isTrue();
    JsonNode page = json(call("GET", "/credits/transactions", "limit=2", ""));
    assertThat(page.path("items")).hasSize(2);
    String next = page.path("nextPageUri").asText();
    assertThat(next).startsWith("/credits/transactions?beforeId=").endsWith("&limit=2");
    String query = next.substring(next.indexOf('?') + 1);
    JsonNode rest = json(call("GET", "/credits/transactions", query, ""));
    assertThat(rest.path("items")).hasSize(1);
    assertThat(rest.path("items").get(0).path("description").asText()).isEqualTo("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"amountCents\":0}", "{\"amountCents\":-1}", "{\"amountCents\":1.5}",
      "{\"amountCents\":\"5\"}", "{\"amountCents\":10000000001}", "{\"amountCents\":5,\"extra\":1}",
      "{\"amountCents\":5,\"description\":7}", "[1]", "not json"})
  void badGrants_areRefusedInTheAdminErrorShape_andChangeNothing(String body) throws IOException {
    AdminResponse r = call("POST", "/credits/grants", null, body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).path("errorCode").asText()).isNotEmpty();
    assertThat(gateway.creditLedger().balanceMicroCents()).isZero();
  }

  @Test
  void wrongMethodsAndPaths_areAdminErrors() throws IOException {
    assertAdminError(call("GET", "/credits/grants", null, ""), 405, "not_found", "not supported");
    assertAdminError(call("POST", "/credits/balance", null, "{}"), 405, "not_found", "not supported");
    assertAdminError(call("GET", "/credits/nothing", null, ""), 404, "not_found", "No such endpoint");
    assertAdminError(call("GET", "/credits", null, ""), 404, "not_found", "No such endpoint");
    assertAdminError(call("GET", "/credits/transactions", "limit=0", ""), 400, "invalid_configuration", "limit");
    assertAdminError(call("GET", "/credits/transactions", "beforeId=aigct_unknown", ""), 400,
        "invalid_configuration", "beforeId");
  }

  @Test
  void gatewayConfig_keepsAndReturnsTheAccountFields() throws IOException {
    JsonNode before = json(call("GET", "/gateway-config", null, ""));
    assertThat(before.path("creditsEnforced").asBoolean()).isFalse();
    assertThat(before.path("processingFeeCentsPerMillionTokens").asLong()).isEqualTo(5);
    assertThat(before.path("maxInputTokens").isNull()).isTrue();
    assertThat(before.path("metadata").isNull()).isTrue();
    assertThat(before.path("accountId").isNull()).isTrue();
    JsonNode after = json(call("PATCH", "/gateway-config", null, "{\"creditsEnforced\":true,"
        + "\"processingFeeCentsPerMillionTokens\":7,\"maxInputTokens\":1000,\"maxOutputTokens\":50,"
        + "\"metadata\":\"team a\",\"accountId\":\"acct-1\"}"));
    assertThat(after.path("creditsEnforced").asBoolean()).isTrue();
    assertThat(after.path("processingFeeCentsPerMillionTokens").asLong()).isEqualTo(7);
    assertThat(after.path("maxInputTokens").asLong()).isEqualTo(1000);
    assertThat(after.path("maxOutputTokens").asLong()).isEqualTo(50);
    assertThat(after.path("metadata").asText()).isEqualTo("team a");
    assertThat(after.path("accountId").asText()).isEqualTo("acct-1");
    assertThat(gateway.accountSettings()).isEqualTo(new Gateway.AccountSettings(true, 7, 1000L, 50L, "team a",
        "acct-1"));
    assertThat(saved).containsExactly(gateway.accountSettings());
    // omitted: unchanged; null: cleared or the default
    JsonNode cleared = json(call("PATCH", "/gateway-config", null, "{\"maxInputTokens\":null,"
        + "\"processingFeeCentsPerMillionTokens\":null,\"metadata\":null}"));
    assertThat(cleared.path("maxInputTokens").isNull()).isTrue();
    assertThat(cleared.path("processingFeeCentsPerMillionTokens").asLong()).isEqualTo(5);
    assertThat(cleared.path("metadata").isNull()).isTrue();
    assertThat(cleared.path("creditsEnforced").asBoolean()).isTrue();
    assertThat(cleared.path("accountId").asText()).isEqualTo("acct-1");
    assertThat(saved).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"creditsEnforced\":\"yes\"}", "{\"processingFeeCentsPerMillionTokens\":-1}",
      "{\"processingFeeCentsPerMillionTokens\":1000001}", "{\"maxInputTokens\":0}", "{\"maxInputTokens\":\"9\"}",
      "{\"accountId\":5}", "{\"creditsEnforced\":true,\"totalTimeout\":\"soon\"}"})
  void badGatewayConfig_isRefused_andChangesNothing(String body) throws IOException {
    Gateway.AccountSettings settings = gateway.accountSettings();
    AdminResponse r = call("PATCH", "/gateway-config", null, body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(json(r).path("msg").asText()).isNotEmpty();
    assertThat(gateway.accountSettings()).isEqualTo(settings);
    assertThat(saved).isEmpty();
  }

  @Test
  void metadataOver4096Characters_isRefused() throws IOException {
    AdminResponse r = call("PATCH", "/gateway-config", null, "{\"metadata\":\"" + "m".repeat(4097) + "\"}");
    assertAdminError(r, 400, "invalid_configuration", "metadata");
  }
}
