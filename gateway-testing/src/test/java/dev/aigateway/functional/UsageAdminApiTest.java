package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.internal.admin.http.AdminApi;
import dev.aigateway.internal.admin.http.AdminResponse;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The management API's {@code /usage} and {@code /usage/overview} (DESIGN §5), and {@code /usage/requests/{id}}. */
final class UsageAdminApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OK = "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}";
  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  private final String adminToken = AdminKeys.newToken();
  private final FakeClock clock = FakeClock.at(Instant.parse("2026-11-20T08:00:00Z"));
  private final FakeUpstream upstream = FakeUpstream.create(clock);
  private Gateway gateway;
  private AdminApi api;
  private String token;
  private String keyId;

  @BeforeEach
  void setUp() {
    gateway = Gateway.builder().keyStore(KeyStore.inMemory()).clock(clock).upstream(upstream).build();
    AdminKeys keys = new AdminKeys();
    keys.allowToken(adminToken);
    api = AdminApi.create(gateway, keys, null);
    for (String name : List.of("primary", "backup")) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name(name)
          .value("sk-oa-" + name + "-0000000").build());
    }
    var k = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build());
    token = k.token();
    keyId = k.key().id();
  }

  @AfterEach
  void tearDown() {
    gateway.close();
  }

  private AdminResponse call(String method, String path, @Nullable String query) throws IOException {
    return api.handle(method, path, query, "Bearer " + adminToken, new ByteArrayInputStream(new byte[0]));
  }

  private JsonNode get(String path, @Nullable String query) throws IOException {
    AdminResponse r = call("GET", path, query);
    assertThat(r.status()).as("status of " + path + "?" + query + ": " + r.json()).isEqualTo(200);
    return JSON.readTree(r.json());
  }

  private String failover() {
    upstream.forKey("sk-oa-primary").respond(FakeUpstream.reply(429));
    upstream.forKey("sk-oa-backup").respond(FakeUpstream.json(200, OK));
    try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, GPT))) {
      assertThat(r.status()).isEqualTo(200);
      return r.requestId();
    }
  }

  @Test
  void usage_listsOneEventPerAttempt_withTheReferenceFields() throws IOException {
    String rq = failover();
    JsonNode body = get("/usage", null);
    JsonNode items = body.path("items");
    assertThat(items).hasSize(2);
    JsonNode last = items.get(0);
    Set<String> fields = new HashSet<>();
    last.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).contains("attemptNumber", "isFinalAttempt", "statusCode", "timedOut", "isError", "isStreaming",
        "stopReason", "inputTokens", "outputTokens", "cacheReadTokens", "reasoningTokens", "totalCost", "keySource",
        "providerKeyId", "providerKeyDisplayName", "requestId", "accessKeyId", "provider", "model");
    assertThat(last.path("requestId").asText()).isEqualTo(rq);
    assertThat(last.path("accessKeyId").asText()).isEqualTo(keyId);
    assertThat(last.path("attemptNumber").asInt()).isEqualTo(2);
    assertThat(last.path("isFinalAttempt").asBoolean()).isTrue();
    assertThat(last.path("isError").asBoolean()).isFalse();
    assertThat(last.path("providerKeyDisplayName").asText()).isEqualTo("backup");
    assertThat(last.path("keySource").asText()).isEqualTo("user");
    assertThat(last.path("totalCostMicroCents").asLong()).isEqualTo(17 * Gateway.AccountSettings.DEFAULT_PROCESSING_FEE);
    assertThat(last.path("totalCost").isTextual()).isTrue();
    assertThat(last.path("totalCost").asText()).isEqualTo("0.00000"); // 85 micro-cents: under half a thousandth of a cent
    JsonNode first = items.get(1);
    assertThat(first.path("statusCode").asInt()).isEqualTo(429);
    assertThat(first.path("isError").asBoolean()).isTrue();
    assertThat(first.path("isFinalAttempt").asBoolean()).isFalse();
    assertThat(first.path("providerKeyDisplayName").asText()).isEqualTo("primary");
    assertThat(body.path("nextCursor").isNull()).isTrue();
    assertThat(body.path("nextPageUri").isNull()).isTrue();

    assertThat(get("/usage", "includeRetries=false").path("items")).singleElement()
        .satisfies(e -> assertThat(e.path("attemptNumber").asInt()).isEqualTo(2));
    // the request's own view is still served
    JsonNode request = get("/usage/requests/" + rq, null);
    assertThat(request.path("attempts")).hasSize(2);
  }

  @Test
  void usage_filtersByAccessKeyAndTime() throws IOException {
    failover();
    assertThat(get("/usage", "accessKeyId=" + keyId).path("items")).hasSize(2);
    assertThat(get("/usage", "accessKeyId=aigk_other").path("items")).isEmpty();
    assertThat(get("/usage", "startTime=2026-11-20T08:00:00Z&endTime=2026-11-20T08:00:01Z").path("items")).hasSize(2);
    assertThat(get("/usage", "startTime=2026-11-20T09:00:00%2B01:00").path("items")).as("offsets are read").hasSize(2);
    assertThat(get("/usage", "startTime=2026-11-20T08:00:01Z").path("items")).isEmpty();
    assertThat(get("/usage", "endTime=2026-11-20T08:00:00Z").path("items")).isEmpty();
  }

  @Test
  void usage_pagesWithACursor_followingNextPageUri_withoutDuplicatesOrGaps() throws IOException {
    Instant t = clock.now();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 23; i++) {
      String rq = "rq_p" + i;
      gateway.usageLog().record(List.of(new UsageEvent(t.minusSeconds(i / 3), rq, keyId, 1, true, 200, false, false,
          null, 1, 1, 0, 0, 10, KeySource.USER, null, "openai", "gpt-4o")));
      expected.add(rq);
    }
    List<String> seen = new ArrayList<>();
    String query = "limit=5&accessKeyId=" + keyId;
    int pages = 0;
    while (query != null && pages++ < 100) {
      JsonNode page = get("/usage", query);
      Iterator<JsonNode> it = page.path("items").elements();
      int n = 0;
      while (it.hasNext()) {
        seen.add(it.next().path("requestId").asText());
        n++;
      }
      assertThat(n).isLessThanOrEqualTo(5);
      String next = page.path("nextPageUri").isNull() ? null : page.path("nextPageUri").asText();
      if (next != null) {
        assertThat(next).startsWith("/usage?cursor=").contains("&limit=5").contains("&accessKeyId=" + keyId);
        assertThat(page.path("nextCursor").asText()).isNotEmpty();
      }
      query = next == null ? null : next.substring(next.indexOf('?') + 1);
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).doesNotHaveDuplicates().hasSize(23);
    assertThat(new HashSet<>(seen)).isEqualTo(expected);
  }

  @Test
  void overview_hasDailyBuckets_byProviderAndByAccessKey() throws IOException {
    failover();
    JsonNode byProvider = get("/usage/overview", "groupBy=provider");
    assertThat(byProvider.path("groupBy").asText()).isEqualTo("provider");
    JsonNode bucket = byProvider.path("items").get(0);
    assertThat(byProvider.path("items")).hasSize(1);
    assertThat(bucket.path("bucketStart").asText()).isEqualTo("2026-11-20T00:00:00Z");
    assertThat(bucket.path("groupKey").asText()).isEqualTo("openai");
    assertThat(bucket.path("requests").asLong()).isEqualTo(1);
    assertThat(bucket.path("errors").asLong()).isZero();
    assertThat(bucket.path("cost").asText()).isEqualTo("0.00000");
    assertThat(bucket.path("costMicroCents").asLong()).isEqualTo(85);
    JsonNode byKey = get("/usage/overview", "groupBy=accessKey").path("items");
    assertThat(byKey).singleElement().satisfies(b -> assertThat(b.path("groupKey").asText()).isEqualTo(keyId));
    assertThat(get("/usage/overview", null).path("groupBy").asText()).as("provider by default").isEqualTo("provider");
    assertThat(get("/usage/overview", "groupBy=provider&startTime=2026-11-21T00:00:00Z").path("items")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"limit=0", "limit=1001", "limit=x", "startTime=yesterday", "endTime=2026-13-01T00:00:00Z",
      "includeRetries=maybe", "cursor=bm90LWEtY3Vyc29y", "cursor=%00%01", "accessKeyId=a%20b"})
  void badUsageQueries_areRefusedInTheAdminErrorShape(String query) throws IOException {
    AdminResponse r = call("GET", "/usage", query);
    assertThat(r.status()).isEqualTo(400);
    JsonNode n = JSON.readTree(r.json());
    assertThat(n.path("statusCode").asInt()).isEqualTo(400);
    assertThat(n.path("msg").asText()).isNotEmpty();
  }

  @Test
  void badOverviewQueries_andWrongMethodsAndPaths_areAdminErrors() throws IOException {
    assertThat(call("GET", "/usage/overview", "groupBy=model").status()).isEqualTo(400);
    assertThat(call("GET", "/usage/overview", "groupBy=provider&startTime=x").status()).isEqualTo(400);
    assertThat(call("POST", "/usage", null).status()).isEqualTo(405);
    assertThat(call("DELETE", "/usage/overview", null).status()).isEqualTo(405);
    assertThat(call("GET", "/usage/nothing", null).status()).isEqualTo(404);
    assertThat(call("GET", "/usage/overview/x", null).status()).isEqualTo(404);
    assertThat(call("GET", "/usage/requests/rq_unknown", null).status()).isEqualTo(404);
    AdminResponse unauthorized = api.handle("GET", "/usage", null, null, new ByteArrayInputStream(new byte[0]));
    assertThat(unauthorized.status()).isEqualTo(401);
  }
}
