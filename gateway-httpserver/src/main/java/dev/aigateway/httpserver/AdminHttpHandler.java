package dev.aigateway.httpserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.Field;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.admin.AdminJson;
import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.internal.json.Json;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.resource.VirtualModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API over HTTP, with the reference's paths and JSON shapes: {@code /access-keys},
 * {@code /access-key-configurations}, {@code /provider-keys} (+ {@code POST /provider-keys/{id}/rotate}),
 * {@code /providers}, {@code /virtual-models}, {@code /gateway-config}, {@code /usage/requests/{id}} and
 * {@code /credits/balance}. Authorized by an admin key ({@code Authorization: Bearer aigak_...}); an access
 * key is refused. Errors: {@code {"errorCode","statusCode","msg","details":{}}}. A thin layer over
 * {@link GatewayAdmin}.
 */
public final class AdminHttpHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpHandler.class);
  private static final int MAX_BODY = 1 << 20;

  private final Gateway gateway;
  private final GatewayAdmin admin;
  private final AdminKeys keys;
  private final @Nullable Consumer<Gateway.Limits> limitsSaver;

  private AdminHttpHandler(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver) {
    this.gateway = gateway;
    this.admin = gateway.admin();
    this.keys = keys;
    this.limitsSaver = limitsSaver;
  }

  /** @param limitsSaver called after {@code PATCH /gateway-config} changed the limits (to persist them), or null */
  public static AdminHttpHandler create(Gateway gateway, AdminKeys keys, @Nullable Consumer<Gateway.Limits> limitsSaver) {
    return new AdminHttpHandler(Objects.requireNonNull(gateway, "gateway"), Objects.requireNonNull(keys, "keys"),
        limitsSaver);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      JsonNode out;
      int status = 200;
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      List<String> seg = segments(path);
      if (seg.isEmpty()) {
        throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint.");
      }
      if (!keys.verify(bearer(exchange))) {
        throw new GatewayException(ErrorCode.INVALID_ACCESS_KEY, "A valid admin API key is required.");
      }
      byte[] body = readBody(exchange);
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String base = "/" + seg.get(0);
      String id = seg.size() > 1 ? seg.get(1) : null;
      switch (seg.get(0)) {
        case "access-keys":
          out = accessKeys(method, id, seg, body, query);
          break;
        case "access-key-configurations":
          out = configurations(method, id, seg, body, query);
          break;
        case "provider-keys":
          out = providerKeys(method, id, seg, body, query);
          break;
        case "providers":
          out = providers(method, id, seg, body, query);
          break;
        case "virtual-models":
          out = virtualModels(method, id, seg, body, query);
          break;
        case "gateway-config":
          out = gatewayConfig(method, seg, body);
          break;
        case "usage":
          out = usage(method, seg);
          break;
        case "credits":
          out = credits(method, seg);
          break;
        default:
          throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint " + base + ".");
      }
      if (out instanceof ObjectNode && ((ObjectNode) out).has("__status")) {
        status = ((ObjectNode) out).remove("__status").asInt();
      }
      if (status == 204) {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        return;
      }
      send(exchange, status, Json.MAPPER.writeValueAsBytes(out));
    } catch (GatewayException e) {
      error(exchange, e);
    } catch (RuntimeException e) {
      LOG.error("management request failed", e);
      error(exchange, new GatewayException(ErrorCode.ALL_PROVIDERS_FAILED, "Internal error."), 500);
    }
  }

  // ---------------------------------------------------------------- access keys

  private JsonNode accessKeys(String method, @Nullable String id, List<String> seg, byte[] body,
      Map<String, String> query) {
    if (id == null) {
      if (isRead(method)) {
        Page<AccessKey> page = admin.accessKeys().list(query.get("beforeId"), limit(query));
        return list("aiGatewayAccessKeys", "/access-keys", page, this::accessKeyJson, query);
      }
      requireMethod(method, "POST");
      CreatedAccessKey created = admin.accessKeys().create(AdminJson.accessKeyChange(text(body)));
      ObjectNode n = accessKeyJson(created.key());
      n.put("token", created.token());
      return status(n, 201);
    }
    requireDepth(seg, 2);
    switch (method) {
      case "GET":
      case "HEAD":
        return accessKeyJson(admin.accessKeys().get(id));
      case "PATCH":
        return accessKeyJson(admin.accessKeys().update(id, AdminJson.accessKeyChange(text(body))));
      case "DELETE":
        admin.accessKeys().delete(id);
        return status(Json.MAPPER.createObjectNode(), 204);
      default:
        throw methodNotAllowed(method);
    }
  }

  private ObjectNode accessKeyJson(AccessKey k) {
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
      AccessKeyConfiguration cfg = gateway.keyStore().configuration(k.configurationId());
      nullable(c, "name", cfg == null ? null : cfg.name());
    }
    return n;
  }

  // ---------------------------------------------------------------- configurations

  private JsonNode configurations(String method, @Nullable String id, List<String> seg, byte[] body,
      Map<String, String> query) {
    if (id == null) {
      if (isRead(method)) {
        Page<AccessKeyConfiguration> page = admin.configurations().list(query.get("beforeId"), limit(query));
        return list("aiGatewayAccessKeyConfigurations", "/access-key-configurations", page, this::configurationJson,
            query);
      }
      requireMethod(method, "POST");
      return status(configurationJson(admin.configurations().create(ConfigurationJson.parseCreate(text(body)))), 201);
    }
    requireDepth(seg, 2);
    switch (method) {
      case "GET":
      case "HEAD":
        return configurationJson(admin.configurations().get(id));
      case "PATCH":
        return configurationJson(admin.configurations().update(id, AdminJson.configurationChange(text(body))));
      case "DELETE":
        admin.configurations().delete(id);
        return status(Json.MAPPER.createObjectNode(), 204);
      default:
        throw methodNotAllowed(method);
    }
  }

  private ObjectNode configurationJson(AccessKeyConfiguration c) {
    ObjectNode n = ConfigurationCodec.write(c, new ConfigurationCodec.KeyInfo() {
      @Override
      public @Nullable String name(String providerKeyId) {
        ProviderKey k = gateway.keyStore().providerKey(providerKeyId);
        return k == null ? null : k.name();
      }

      @Override
      public @Nullable String keyRedacted(String providerKeyId) {
        ProviderKey k = gateway.keyStore().providerKey(providerKeyId);
        return k == null ? null : k.keyRedacted();
      }
    }, "/access-key-configurations/" + c.id());
    actor(n);
    return n;
  }

  // ---------------------------------------------------------------- provider keys

  private static final Set<String> PROVIDER_KEY_CREATE = Set.of("providerId", "name", "value", "description",
      "metadata");
  private static final Set<String> PROVIDER_KEY_PATCH = Set.of("name", "description", "metadata");

  private JsonNode providerKeys(String method, @Nullable String id, List<String> seg, byte[] body,
      Map<String, String> query) {
    if (id == null) {
      if (isRead(method)) {
        Page<ProviderKey> page = admin.providerKeys().list(query.get("provider"), query.get("beforeId"), limit(query));
        return list("aiGatewayProviderKeys", "/provider-keys", page, this::providerKeyJson, query);
      }
      requireMethod(method, "POST");
      Json.Obj o = obj(body);
      o.allowOnly(PROVIDER_KEY_CREATE);
      ProviderKeyChange.Builder b = ProviderKeyChange.builder();
      String providerId = o.optString("providerId", 255);
      if (providerId != null) {
        b.providerId(providerId);
      }
      if (o.has("name")) {
        b.name(o.optString("name", GatewayAdmin.MAX_NAME));
      }
      String value = o.optString("value", 16384);
      if (value != null) {
        if (value.isEmpty()) {
          throw new ConfigurationException("value", "must not be empty");
        }
        b.value(value);
      }
      b.description(o.optString("description", GatewayAdmin.MAX_NAME));
      b.metadata(o.optString("metadata", GatewayAdmin.MAX_METADATA));
      return status(providerKeyJson(admin.providerKeys().create(b.build())), 201);
    }
    if (seg.size() == 3 && seg.get(2).equals("rotate")) {
      requireMethod(method, "POST");
      Json.Obj o = obj(body);
      o.allowOnly(Set.of("name", "value"));
      String name = o.reqString("name", GatewayAdmin.MAX_NAME);
      String value = o.reqString("value", 16384);
      return providerKeyJson(admin.providerKeys().rotate(id, name, SecretValue.of(value)));
    }
    requireDepth(seg, 2);
    switch (method) {
      case "GET":
      case "HEAD":
        return providerKeyJson(admin.providerKeys().get(id));
      case "PATCH": {
        Json.Obj o = obj(body);
        o.allowOnly(PROVIDER_KEY_PATCH);
        ProviderKeyChange.Builder b = ProviderKeyChange.builder();
        if (o.has("name")) {
          b.name(o.optString("name", GatewayAdmin.MAX_NAME));
        }
        if (o.has("description")) {
          b.description(o.optString("description", GatewayAdmin.MAX_NAME));
        }
        if (o.has("metadata")) {
          b.metadata(o.optString("metadata", GatewayAdmin.MAX_METADATA));
        }
        return providerKeyJson(admin.providerKeys().update(id, b.build()));
      }
      case "DELETE":
        admin.providerKeys().delete(id);
        return status(Json.MAPPER.createObjectNode(), 204);
      default:
        throw methodNotAllowed(method);
    }
  }

  private ObjectNode providerKeyJson(ProviderKey k) {
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

  // ---------------------------------------------------------------- custom providers

  private static final Set<String> PROVIDER_FIELDS = Set.of("providerId", "name", "baseUrl", "metadata",
      "supportedApiSurfaces", "models", "authHeader", "authValuePrefix");

  private JsonNode providers(String method, @Nullable String id, List<String> seg, byte[] body,
      Map<String, String> query) {
    if (id == null) {
      if (isRead(method)) {
        Page<CustomProvider> page = admin.providers().list(query.get("beforeId"), limit(query));
        return list("aiGatewayProviders", "/providers", page, AdminHttpHandler::providerJson, query);
      }
      requireMethod(method, "POST");
      Json.Obj o = obj(body);
      o.allowOnly(PROVIDER_FIELDS);
      CustomProvider.Builder b = CustomProvider.builder()
          .providerId(o.reqString("providerId", 255))
          .name(Objects.requireNonNullElse(o.optString("name", GatewayAdmin.MAX_NAME), o.reqString("providerId", 255)))
          .baseUrl(o.reqString("baseUrl", 2048));
      applyProvider(o, b);
      return status(providerJson(admin.providers().create(b)), 201);
    }
    requireDepth(seg, 2);
    switch (method) {
      case "GET":
      case "HEAD":
        return providerJson(admin.providers().get(id));
      case "PATCH": {
        Json.Obj o = obj(body);
        o.allowOnly(PROVIDER_FIELDS);
        if (o.has("providerId")) {
          throw new ConfigurationException("providerId", "cannot be changed");
        }
        return providerJson(admin.providers().update(id, b -> {
          if (o.has("name")) {
            b.name(o.reqString("name", GatewayAdmin.MAX_NAME));
          }
          if (o.has("baseUrl")) {
            b.baseUrl(o.reqString("baseUrl", 2048));
          }
          applyProvider(o, b);
          return b;
        }));
      }
      case "DELETE":
        admin.providers().delete(id);
        return status(Json.MAPPER.createObjectNode(), 204);
      default:
        throw methodNotAllowed(method);
    }
  }

  private static void applyProvider(Json.Obj o, CustomProvider.Builder b) {
    if (o.has("metadata")) {
      b.metadata(o.optString("metadata", GatewayAdmin.MAX_METADATA));
    }
    if (o.has("authHeader")) {
      b.authHeader(o.optString("authHeader", 64));
    }
    if (o.has("authValuePrefix")) {
      b.authValuePrefix(o.optString("authValuePrefix", 64));
    }
    List<Json.Element> surfaces = o.optArray("supportedApiSurfaces");
    if (surfaces != null) {
      List<SurfaceSupport> out = new ArrayList<>();
      for (Json.Element e : surfaces) {
        Json.Obj s = e.obj();
        s.allowOnly(Set.of("format", "surface", "supportedParams"));
        String format = s.reqString("format", 32);
        String surface = s.reqString("surface", 64);
        Surface sf = Surface.fromId(surface);
        if (sf == null) {
          throw new ConfigurationException(s.child("surface"), "must be one of chat-completions, completions, "
              + "embeddings, responses, messages");
        }
        Surface.Format fmt;
        try {
          fmt = Surface.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
          throw new ConfigurationException(s.child("format"), "must be openai or anthropic");
        }
        List<String> params = new ArrayList<>();
        List<Json.Element> ps = s.optArray("supportedParams");
        if (ps != null) {
          for (Json.Element p : ps) {
            Json.Obj po = p.obj();
            po.allowOnly(Set.of("name"));
            params.add(po.reqString("name", 128));
          }
        }
        out.add(new SurfaceSupport(fmt, sf, params));
      }
      b.supportedApiSurfaces(out);
    }
    if (o.has("models")) {
      List<Json.Element> models = o.optArray("models");
      List<String> ids = new ArrayList<>();
      if (models != null) {
        for (Json.Element e : models) {
          Json.Obj m = e.obj();
          m.allowOnly(Set.of("modelId", "id"));
          ids.add(m.reqString("modelId", 512));
        }
      }
      b.models(ids);
    }
  }

  private static ObjectNode providerJson(CustomProvider p) {
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

  // ---------------------------------------------------------------- virtual models

  private JsonNode virtualModels(String method, @Nullable String id, List<String> seg, byte[] body,
      Map<String, String> query) {
    if (id == null) {
      if (isRead(method)) {
        Page<VirtualModel> page = admin.virtualModels().list(query.get("beforeId"), limit(query));
        return list("aiGatewayVirtualModels", "/virtual-models", page, AdminHttpHandler::virtualModelJson, query);
      }
      requireMethod(method, "POST");
      Json.Obj o = obj(body);
      o.allowOnly(Set.of("name", "description", "targets"));
      List<String> targets = targets(o);
      if (targets == null) {
        throw new ConfigurationException("targets", "is required");
      }
      return status(virtualModelJson(admin.virtualModels().create(o.reqString("name", 64),
          o.optString("description", GatewayAdmin.MAX_NAME), targets)), 201);
    }
    requireDepth(seg, 2);
    switch (method) {
      case "GET":
      case "HEAD":
        return virtualModelJson(admin.virtualModels().get(id));
      case "PATCH": {
        Json.Obj o = obj(body);
        o.allowOnly(Set.of("name", "description", "targets"));
        String name = o.has("name") ? o.reqString("name", 64) : null;
        Field<String> description = o.has("description")
            ? Field.of(o.optString("description", GatewayAdmin.MAX_NAME)) : Field.absent();
        return virtualModelJson(admin.virtualModels().update(id, name, description, targets(o)));
      }
      case "DELETE":
        admin.virtualModels().delete(id);
        return status(Json.MAPPER.createObjectNode(), 204);
      default:
        throw methodNotAllowed(method);
    }
  }

  private static @Nullable List<String> targets(Json.Obj o) {
    List<Json.Element> els = o.optArray("targets");
    if (els == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Json.Element e : els) {
      if (e.node().isTextual()) {
        out.add(e.string(512));
      } else {
        Json.Obj t = e.obj();
        t.allowOnly(Set.of("model", "provider"));
        String model = t.reqString("model", 512);
        String provider = t.optString("provider", 255);
        out.add(provider == null ? model : provider + ":" + model);
      }
    }
    return out;
  }

  private static ObjectNode virtualModelJson(VirtualModel vm) {
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

  // ---------------------------------------------------------------- settings, usage, credits

  private JsonNode gatewayConfig(String method, List<String> seg, byte[] body) {
    requireDepth(seg, 1);
    if (method.equals("PATCH")) {
      Json.Obj o = obj(body);
      o.allowOnly(Set.of("totalTimeout", "perRequestTimeout", "maxAttempts", "maxRequestBytes", "maxRetryWait",
          "maxInputTokens", "maxOutputTokens", "metadata"));
      Gateway.Limits l = gateway.limits();
      Duration total = o.has("totalTimeout") ? duration(o, "totalTimeout", Duration.ofSeconds(120)) : l.totalTimeout();
      Duration attempt = o.has("perRequestTimeout") ? duration(o, "perRequestTimeout", Duration.ofSeconds(60))
          : l.perAttemptTimeout();
      Duration wait = o.has("maxRetryWait") ? duration(o, "maxRetryWait", Duration.ofSeconds(2)) : l.maxRetryWait();
      Integer attempts = o.optInt("maxAttempts", 1, 100);
      Integer bytes = o.optInt("maxRequestBytes", 1, Integer.MAX_VALUE - 8);
      if (attempt.compareTo(total) > 0) {
        throw new ConfigurationException("perRequestTimeout", "must not exceed totalTimeout (" + format(total) + ")");
      }
      Gateway.Limits updated = new Gateway.Limits(
          o.has("maxRequestBytes") ? (bytes == null ? 20L << 20 : bytes) : l.maxRequestBytes(), total, attempt,
          o.has("maxAttempts") ? (attempts == null ? 10 : attempts) : l.maxAttempts(), wait);
      gateway.updateLimits(updated);
      if (limitsSaver != null) {
        limitsSaver.accept(updated);
      }
    } else if (!isRead(method)) {
      throw methodNotAllowed(method);
    }
    Gateway.Limits l = gateway.limits();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("uri", "/gateway-config");
    n.put("totalTimeout", format(l.totalTimeout()));
    n.put("perRequestTimeout", format(l.perAttemptTimeout()));
    n.put("maxRetryWait", format(l.maxRetryWait()));
    n.put("maxAttempts", l.maxAttempts());
    n.put("maxRequestBytes", l.maxRequestBytes());
    n.putNull("maxInputTokens");
    n.putNull("maxOutputTokens");
    n.putNull("metadata");
    return n;
  }

  /** A Go-style duration: {@code 120s}, {@code 1m30s}, {@code 500ms}; null (in PATCH) restores the default. */
  static Duration duration(Json.Obj o, String field, Duration defaultValue) {
    String v = o.optString(field, 32);
    if (v == null) {
      return defaultValue;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(v);
    long nanos = 0;
    int at = 0;
    while (m.find() && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos += (long) (n * unit);
      at = m.end();
    }
    if (at != v.length() || at == 0 || nanos <= 0 || nanos > Duration.ofHours(24).toNanos()) {
      throw new ConfigurationException(o.child(field), "must be a duration such as 120s, 1m30s or 500ms, "
          + "above zero and at most 24h");
    }
    return Duration.ofNanos(nanos);
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private JsonNode usage(String method, List<String> seg) {
    if (seg.size() != 3 || !seg.get(1).equals("requests")) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint.");
    }
    if (!isRead(method)) {
      throw methodNotAllowed(method);
    }
    RequestRecord r = gateway.request(seg.get(2));
    if (r == null) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No request '" + seg.get(2).replaceAll("[^A-Za-z0-9_]", "?")
          + "' in the recent request log.");
    }
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

  private JsonNode credits(String method, List<String> seg) {
    if (seg.size() != 2 || !seg.get(1).equals("balance")) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint.");
    }
    if (!isRead(method)) {
      throw methodNotAllowed(method);
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("balanceCents", gateway.creditLedger().balance(""));
    return n;
  }

  // ---------------------------------------------------------------- plumbing

  private static <T> ObjectNode list(String wrapper, String uri, Page<T> page, Function<T, ObjectNode> json,
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

  private static int limit(Map<String, String> query) {
    String v = query.get("limit");
    if (v == null) {
      return 100;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigurationException("limit", "must be a number from 1 to 100");
    }
  }

  private static boolean isRead(String method) {
    return method.equals("GET") || method.equals("HEAD");
  }

  private static void requireMethod(String method, String expected) {
    if (!method.equals(expected)) {
      throw methodNotAllowed(method);
    }
  }

  private static void requireDepth(List<String> seg, int depth) {
    if (seg.size() != depth) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No such endpoint.");
    }
  }

  private static GatewayException methodNotAllowed(String method) {
    return new GatewayException(ErrorCode.NOT_FOUND, "Method " + method.replaceAll("[^A-Z]", "?")
        + " is not supported here.", Map.of("status", "405"), null);
  }

  private static ObjectNode status(ObjectNode n, int status) {
    n.put("__status", status);
    return n;
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

  private static Json.Obj obj(byte[] body) {
    return new Json.Obj(Json.parseObject(body), "");
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static @Nullable String bearer(HttpExchange exchange) {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return auth.substring(7).trim();
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        if (out.size() > MAX_BODY) {
          throw new GatewayException(ErrorCode.REQUEST_TOO_LARGE, "Request body is larger than 1 MiB.");
        }
      }
    }
    return out.toByteArray();
  }

  private static void error(HttpExchange exchange, GatewayException e) throws IOException {
    String status = e.details().get("status");
    error(exchange, e, status != null ? Integer.parseInt(status) : e.status());
  }

  private static void error(HttpExchange exchange, GatewayException e, int status) throws IOException {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("errorCode", e.code().code());
    n.put("statusCode", status);
    n.put("msg", e.getMessage());
    ObjectNode details = n.putObject("details");
    e.details().forEach((k, v) -> {
      if (!k.equals("status")) {
        details.put(k, v);
      }
    });
    send(exchange, status, Json.MAPPER.writeValueAsBytes(n));
  }

  private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(bytes);
      }
    }
    exchange.close();
  }

  @Override
  public String toString() {
    return "AdminHttpHandler[" + keys + "]";
  }
}
