package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.Page;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.internal.json.GatewayConfigCodec;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Every management API response body in the reference's JSON shapes: each resource (with its
 * {@code uri} and, where the reference has them, {@code createdBy}/{@code lastUpdatedBy}), the list
 * wrapper with {@code nextPageUri}, {@code /gateway-config}, a request's attempts, the credit balance
 * and the error {@code {"errorCode","statusCode","msg","details"}}. Thread-safe.
 */
public final class AdminCodec {
  private final KeyStore store;
  private final ConfigurationCodec.KeyInfo keyInfo;

  /** @param store where an access key's configuration name and a rule's provider key names are looked up */
  public AdminCodec(KeyStore store) {
    this.store = Objects.requireNonNull(store, "store");
    this.keyInfo = new ConfigurationCodec.KeyInfo() {
      @Override
      public @Nullable String name(String providerKeyId) {
        ProviderKey k = store.providerKey(providerKeyId);
        return k == null ? null : k.name();
      }

      @Override
      public @Nullable String keyRedacted(String providerKeyId) {
        ProviderKey k = store.providerKey(providerKeyId);
        return k == null ? null : k.keyRedacted();
      }
    };
  }

  /** {@code {"<wrapper>":[..],"uri","nextPageUri"}}; the next page's URI keeps {@code limit} and {@code provider}. */
  public <T> ObjectNode list(String wrapper, String uri, Page<T> page, Function<T, ObjectNode> json,
      Map<String, String> query) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode items = n.putArray(wrapper);
    page.items().forEach(i -> items.add(json.apply(i)));
    n.put("uri", uri);
    if (page.nextBeforeId() == null) {
      n.putNull("nextPageUri");
    } else {
      String limit = query.get("limit");
      String provider = query.get("provider");
      n.put("nextPageUri", uri + "?beforeId=" + page.nextBeforeId() + (limit == null ? "" : "&limit=" + limit)
          + (provider == null ? "" : "&provider=" + provider));
    }
    return n;
  }

  /** An access key without its token, with its configuration's id, uri and name. */
  public ObjectNode accessKey(AccessKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    n.put("uri", "/access-keys/" + k.id());
    nullable(n, "name", k.name());
    nullable(n, "description", k.description());
    nullable(n, "metadata", k.metadata());
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    actor(n);
    n.put("keyRedacted", k.keyRedacted());
    nullable(n, "lastUsed", k.lastUsed() == null ? null : k.lastUsed().toString());
    if (k.configurationId() == null) {
      n.putNull("accessKeyConfiguration");
    } else {
      ObjectNode c = n.putObject("accessKeyConfiguration");
      c.put("id", k.configurationId());
      c.put("uri", "/access-key-configurations/" + k.configurationId());
      AccessKeyConfiguration cfg = store.configuration(k.configurationId());
      nullable(c, "name", cfg == null ? null : cfg.name());
    }
    return n;
  }

  /** An admin API key without its token: the fields of an access key, without a configuration link. */
  public ObjectNode adminKey(AdminKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    n.put("uri", "/api-keys/" + k.id());
    nullable(n, "name", k.name());
    nullable(n, "description", k.description());
    nullable(n, "metadata", k.metadata());
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    actor(n);
    n.put("keyRedacted", k.keyRedacted());
    nullable(n, "lastUsed", k.lastUsed() == null ? null : k.lastUsed().toString());
    return n;
  }

  /** A configuration, its rules' provider keys shown by name and redacted value. */
  public ObjectNode configuration(AccessKeyConfiguration c) {
    ObjectNode n = ConfigurationCodec.write(c, keyInfo, "/access-key-configurations/" + c.id());
    actor(n);
    return n;
  }

  /** A provider key, its value redacted. */
  public ObjectNode providerKey(ProviderKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    n.put("uri", "/provider-keys/" + k.id());
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    n.put("providerId", k.providerId());
    n.put("name", k.name());
    n.put("keyRedacted", k.keyRedacted());
    nullable(n, "description", k.description());
    nullable(n, "metadata", k.metadata());
    actor(n);
    nullable(n, "lastUsed", k.lastUsed() == null ? null : k.lastUsed().toString());
    return n;
  }

  /** A custom provider, addressed by its {@code providerId}. */
  public ObjectNode provider(CustomProvider p) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", p.id());
    n.put("uri", "/providers/" + p.providerId());
    n.put("providerId", p.providerId());
    n.put("name", p.name());
    n.put("baseUrl", p.baseUrl());
    nullable(n, "metadata", p.metadata());
    StoreCodec.writeSurfaces(n, p.supportedApiSurfaces());
    ArrayNode models = n.putArray("models");
    p.models().forEach(m -> models.addObject().put("id", m).put("modelId", m));
    nullable(n, "authHeader", p.authHeader());
    nullable(n, "authValuePrefix", p.authValuePrefix());
    n.put("createdAt", p.createdAt().toString());
    n.put("updatedAt", p.updatedAt().toString());
    return n;
  }

  /** A virtual model, its targets as {@code {"model"}} objects. */
  public ObjectNode virtualModel(VirtualModel vm) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", vm.id());
    n.put("uri", "/virtual-models/" + vm.id());
    n.put("name", vm.name());
    nullable(n, "description", vm.description());
    ArrayNode t = n.putArray("targets");
    vm.targets().forEach(x -> t.addObject().put("model", x));
    n.put("createdAt", vm.createdAt().toString());
    n.put("updatedAt", vm.updatedAt().toString());
    return n;
  }

  /** {@code /gateway-config}: the limits and account settings in force, durations Go-style. */
  public ObjectNode gatewayConfig(Gateway.Limits l, Gateway.AccountSettings s) {
    return GatewayConfigCodec.write(l, s, "/gateway-config");
  }

  /** {@code /usage/requests/{id}}: one request and each of its attempts. */
  public ObjectNode request(RequestRecord r) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("uri", "/usage/requests/" + r.requestId());
    n.put("requestId", r.requestId());
    n.put("accessKeyId", r.accessKeyId());
    n.put("startedAt", r.startedAt().toString());
    n.put("statusCode", r.status());
    nullable(n, "errorCode", r.errorCode());
    ArrayNode attempts = n.putArray("attempts");
    for (AttemptRecord a : r.attempts()) {
      ObjectNode an = attempts.addObject();
      ObjectNode ev = an.putObject("event");
      ev.put("attemptNumber", a.attemptNumber());
      ev.put("provider", a.provider());
      ev.put("model", a.model());
      ev.put("statusCode", a.statusCode());
      ev.put("isError", a.statusCode() == 0 || a.statusCode() >= 400 || a.timedOut());
      ev.put("timedOut", a.timedOut());
      ev.put("isStreaming", a.streaming());
      ev.put("keySource", a.keySource().json());
      nullable(ev, "providerKeyId", a.providerKeyId());
      ev.put("inputTokens", a.inputTokens());
      ev.put("outputTokens", a.outputTokens());
      an.put("served", a.served());
      an.put("retryAction", a.retryAction().json());
      an.put("completion", a.completion().json());
      an.put("upstreamDurationMs", a.durationMillis());
      nullable(an, "error", a.error());
    }
    return n;
  }

  /**
   * One usage event with the reference's fields; {@code totalCost} in US dollars (a decimal string, 5
   * places) and {@code totalCostMicroCents} exact. The provider key's name is looked up now (null once the
   * key is deleted).
   */
  public ObjectNode usageEvent(UsageEvent e) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("timestamp", e.timestamp().toString());
    n.put("requestId", e.requestId());
    n.put("accessKeyId", e.accessKeyId());
    n.put("attemptNumber", e.attemptNumber());
    n.put("isFinalAttempt", e.isFinalAttempt());
    n.put("statusCode", e.statusCode());
    n.put("timedOut", e.timedOut());
    n.put("isError", e.isError());
    n.put("isStreaming", e.isStreaming());
    nullable(n, "stopReason", e.stopReason());
    n.put("inputTokens", e.inputTokens());
    n.put("outputTokens", e.outputTokens());
    n.put("cacheReadTokens", e.cacheReadTokens());
    n.put("reasoningTokens", e.reasoningTokens());
    n.put("totalCost", e.totalCost());
    n.put("totalCostMicroCents", e.costMicroCents());
    n.put("keySource", e.keySource().json());
    String keyId = e.providerKeyId();
    if (keyId != null) {
      n.put("providerKeyId", keyId);
      nullable(n, "providerKeyDisplayName", keyInfo.name(keyId));
    }
    n.put("provider", e.provider());
    n.put("model", e.model());
    return n;
  }

  /**
   * {@code /usage}: {@code {"items":[..],"uri","nextCursor","nextPageUri"}}, newest first; the next page's URI
   * keeps every filter of {@code query}.
   */
  public ObjectNode usageEvents(UsageLog.EventPage page, Map<String, String> query) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode items = n.putArray("items");
    page.events().forEach(e -> items.add(usageEvent(e)));
    n.put("uri", "/usage");
    String next = page.nextCursor();
    if (next == null) {
      n.putNull("nextCursor");
      n.putNull("nextPageUri");
    } else {
      n.put("nextCursor", next);
      StringBuilder uri = new StringBuilder("/usage?cursor=").append(next);
      for (String p : List.of("startTime", "endTime", "accessKeyId", "includeRetries", "limit")) {
        String v = query.get(p);
        if (v != null) {
          uri.append('&').append(p).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
      }
      n.put("nextPageUri", uri.toString());
    }
    return n;
  }

  /**
   * {@code /usage/overview}: {@code {"items":[{"bucketStart","groupKey","cost","requests","errors"}],"groupBy"}};
   * {@code cost} in US dollars (a decimal string, 5 places), {@code costMicroCents} exact.
   */
  public ObjectNode usageOverview(List<UsageLog.Bucket> buckets, UsageLog.GroupBy groupBy) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("uri", "/usage/overview?groupBy=" + groupBy.json());
    n.put("groupBy", groupBy.json());
    ArrayNode items = n.putArray("items");
    for (UsageLog.Bucket b : buckets) {
      ObjectNode i = items.addObject();
      i.put("bucketStart", b.bucketStart().toString());
      i.put("groupKey", b.groupKey());
      i.put("cost", UsageEvent.dollars(b.costMicroCents()));
      i.put("costMicroCents", b.costMicroCents());
      i.put("requests", b.requests());
      i.put("errors", b.errors());
    }
    return n;
  }

  /** {@code /credits/balance}: {@code {"balanceCents"}} (whole cents, rounded down) and the exact micro-cents. */
  public ObjectNode balance(CreditLedger ledger) {
    long micro = ledger.balanceMicroCents();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("balanceCents", Math.floorDiv(micro, CreditLedger.MICRO_CENTS_PER_CENT));
    n.put("balanceMicroCents", micro);
    return n;
  }

  /** One credit transaction: a grant, or one UTC day of usage charges. */
  public ObjectNode creditTransaction(CreditTransaction t) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", t.id());
    n.put("type", t.type().json());
    n.put("amountCents", t.amountCents());
    n.put("amountMicroCents", t.amountMicroCents());
    n.put("createdAt", t.createdAt().toString());
    if (t.type() == CreditTransaction.Type.GRANT) {
      nullable(n, "description", t.description());
    } else {
      n.put("day", String.valueOf(t.day()));
      n.put("updatedAt", t.updatedAt().toString());
      n.put("requests", t.requests());
      n.put("inputTokens", t.inputTokens());
      n.put("outputTokens", t.outputTokens());
    }
    return n;
  }

  /** {@code /credits/transactions}: {@code {"items":[..],"uri","nextPageUri"}}, newest first. */
  public ObjectNode creditTransactions(Page<CreditTransaction> page, @Nullable String limit) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode items = n.putArray("items");
    page.items().forEach(t -> items.add(creditTransaction(t)));
    n.put("uri", "/credits/transactions");
    if (page.nextBeforeId() == null) {
      n.putNull("nextPageUri");
    } else {
      n.put("nextPageUri", "/credits/transactions?beforeId=" + page.nextBeforeId()
          + (limit == null ? "" : "&limit=" + limit));
    }
    return n;
  }

  /** {@code {"errorCode","statusCode","msg","details"}}; the {@code status} detail is the status, not a detail. */
  public ObjectNode error(GatewayException e, int status) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("errorCode", e.code().code());
    n.put("statusCode", status);
    n.put("msg", e.getMessage());
    ObjectNode details = n.putObject("details");
    e.details().forEach((k, v) -> {
      if (!k.equals(AdminRequest.STATUS_DETAIL)) {
        details.put(k, v);
      }
    });
    return n;
  }

  /** A Go-style duration as the reference writes it: whole seconds ({@code 120s}) or else milliseconds. */
  static String duration(Duration d) {
    return GatewayConfigCodec.duration(d);
  }

  private static void actor(ObjectNode n) {
    n.putObject("createdBy").put("id", "admin").put("uri", "/admin");
    n.putObject("lastUpdatedBy").put("id", "admin").put("uri", "/admin");
  }

  private static void nullable(ObjectNode n, String field, @Nullable String value) {
    if (value == null) {
      n.putNull(field);
    } else {
      n.put(field, value);
    }
  }
}
