package dev.aigateway.internal.store;

import dev.aigateway.internal.json.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Surface;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.resource.SurfaceSupport;
import dev.aigateway.resource.VirtualModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** How each resource is written to, and read from, the data directory. Secrets are sealed, digests encoded. */
public final class StoreCodec {
  private final Supplier<SecretBox> box;

  public StoreCodec(SecretBox box) {
    this(() -> box);
  }

  /** Asks {@code box} for the master key each time a value is sealed or opened, so that it can come later. */
  public StoreCodec(Supplier<SecretBox> box) {
    this.box = box;
  }

  public ObjectNode accessKey(AccessKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    put(n, "name", k.name());
    put(n, "description", k.description());
    put(n, "metadata", k.metadata());
    put(n, "configurationId", k.configurationId());
    n.put("keyRedacted", k.keyRedacted());
    n.put("digest", Base64.getEncoder().encodeToString(k.secretDigest()));
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    if (k.lastUsed() != null) {
      n.put("lastUsed", k.lastUsed().toString());
    }
    return n;
  }

  public AccessKey accessKey(JsonNode n) {
    return AccessKey.builder().id(text(n, "id")).name(opt(n, "name")).description(opt(n, "description"))
        .metadata(opt(n, "metadata")).configurationId(opt(n, "configurationId")).keyRedacted(text(n, "keyRedacted"))
        .secretDigest(Base64.getDecoder().decode(text(n, "digest"))).createdAt(Instant.parse(text(n, "createdAt")))
        .updatedAt(Instant.parse(text(n, "updatedAt"))).lastUsed(instant(n, "lastUsed")).build();
  }

  /** An admin API key: its display fields and the digest of its token, never the token. */
  public ObjectNode adminKey(AdminKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    put(n, "name", k.name());
    put(n, "description", k.description());
    put(n, "metadata", k.metadata());
    n.put("keyRedacted", k.keyRedacted());
    n.put("digest", Base64.getEncoder().encodeToString(k.tokenDigest()));
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    if (k.lastUsed() != null) {
      n.put("lastUsed", k.lastUsed().toString());
    }
    return n;
  }

  public AdminKey adminKey(JsonNode n) {
    return AdminKey.builder().id(text(n, "id")).name(opt(n, "name")).description(opt(n, "description"))
        .metadata(opt(n, "metadata")).keyRedacted(text(n, "keyRedacted"))
        .tokenDigest(Base64.getDecoder().decode(text(n, "digest"))).createdAt(Instant.parse(text(n, "createdAt")))
        .updatedAt(Instant.parse(text(n, "updatedAt"))).lastUsed(instant(n, "lastUsed")).build();
  }

  public ObjectNode configuration(AccessKeyConfiguration c) {
    return ConfigurationCodec.write(c, null, null);
  }

  public AccessKeyConfiguration configuration(JsonNode n) {
    AccessKeyConfiguration c = ConfigurationCodec.read((ObjectNode) n, false);
    return c.toBuilder().createdAt(instant(n, "createdAt")).updatedAt(instant(n, "updatedAt")).build();
  }

  public ObjectNode providerKey(ProviderKey k) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", k.id());
    n.put("providerId", k.providerId());
    n.put("name", k.name());
    put(n, "description", k.description());
    put(n, "metadata", k.metadata());
    n.put("keyRedacted", k.keyRedacted());
    if (k.value() != null) {
      n.put("sealedValue", box.get().seal(k.value().reveal(), k.id()));
    }
    n.put("createdAt", k.createdAt().toString());
    n.put("updatedAt", k.updatedAt().toString());
    if (k.lastUsed() != null) {
      n.put("lastUsed", k.lastUsed().toString());
    }
    return n;
  }

  public ProviderKey providerKey(JsonNode n) {
    String id = text(n, "id");
    String sealed = opt(n, "sealedValue");
    ProviderKey.Builder b = ProviderKey.builder().id(id).providerId(text(n, "providerId")).name(text(n, "name"))
        .description(opt(n, "description")).metadata(opt(n, "metadata"))
        .createdAt(Instant.parse(text(n, "createdAt"))).updatedAt(Instant.parse(text(n, "updatedAt")))
        .lastUsed(instant(n, "lastUsed"));
    if (sealed != null) {
      b.value(SecretValue.of(box.get().open(sealed, id)));
    }
    return b.keyRedacted(text(n, "keyRedacted")).build();
  }

  public ObjectNode provider(CustomProvider p) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", p.id());
    n.put("providerId", p.providerId());
    n.put("name", p.name());
    n.put("baseUrl", p.baseUrl());
    put(n, "metadata", p.metadata());
    writeSurfaces(n, p.supportedApiSurfaces());
    ArrayNode models = n.putArray("models");
    p.models().forEach(m -> models.addObject().put("modelId", m));
    put(n, "authHeader", p.authHeader());
    put(n, "authValuePrefix", p.authValuePrefix());
    n.put("createdAt", p.createdAt().toString());
    n.put("updatedAt", p.updatedAt().toString());
    return n;
  }

  /** {@code supportedApiSurfaces} in the reference's shape; shared with the management API. */
  public static void writeSurfaces(ObjectNode n, List<SurfaceSupport> supported) {
    ArrayNode surfaces = n.putArray("supportedApiSurfaces");
    for (SurfaceSupport s : supported) {
      ObjectNode sn = surfaces.addObject();
      sn.put("format", s.format().name().toLowerCase(java.util.Locale.ROOT));
      sn.put("surface", s.surface().id());
      ArrayNode params = sn.putArray("supportedParams");
      s.supportedParams().forEach(name -> params.addObject().put("name", name));
    }
  }

  public CustomProvider provider(JsonNode n) {
    List<SurfaceSupport> surfaces = new ArrayList<>();
    for (JsonNode s : n.path("supportedApiSurfaces")) {
      List<String> params = new ArrayList<>();
      s.path("supportedParams").forEach(x -> params.add(x.path("name").asText()));
      surfaces.add(new SurfaceSupport(Surface.Format.valueOf(s.path("format").asText().toUpperCase(java.util.Locale.ROOT)),
          java.util.Objects.requireNonNull(Surface.fromId(s.path("surface").asText())), params));
    }
    List<String> models = new ArrayList<>();
    n.path("models").forEach(m -> models.add(m.path("modelId").asText()));
    return CustomProvider.builder().id(text(n, "id")).providerId(text(n, "providerId")).name(text(n, "name"))
        .baseUrl(text(n, "baseUrl")).metadata(opt(n, "metadata")).supportedApiSurfaces(surfaces).models(models)
        .authHeader(opt(n, "authHeader")).authValuePrefix(opt(n, "authValuePrefix"))
        .createdAt(Instant.parse(text(n, "createdAt"))).updatedAt(Instant.parse(text(n, "updatedAt"))).build();
  }

  public ObjectNode virtualModel(VirtualModel vm) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", vm.id());
    n.put("name", vm.name());
    put(n, "description", vm.description());
    ArrayNode t = n.putArray("targets");
    vm.targets().forEach(t::add);
    n.put("createdAt", vm.createdAt().toString());
    n.put("updatedAt", vm.updatedAt().toString());
    return n;
  }

  public VirtualModel virtualModel(JsonNode n) {
    List<String> targets = new ArrayList<>();
    n.path("targets").forEach(t -> targets.add(t.asText()));
    return VirtualModel.of(text(n, "id"), text(n, "name"), opt(n, "description"), targets,
        Instant.parse(text(n, "createdAt")), Instant.parse(text(n, "updatedAt")));
  }

  private static void put(ObjectNode n, String field, @Nullable String value) {
    if (value != null) {
      n.put(field, value);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalStateException("field " + field + " is missing");
    }
    return v.textValue();
  }

  private static @Nullable String opt(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static @Nullable Instant instant(JsonNode n, String field) {
    String v = opt(n, field);
    return v == null ? null : Instant.parse(v);
  }
}
