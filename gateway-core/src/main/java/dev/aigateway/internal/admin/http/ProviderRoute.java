package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.Surface;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderAdmin;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.admin.AdminJson;
import dev.aigateway.internal.json.Json;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.SurfaceSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** {@code /providers}: custom providers, addressed by {@code providerId}, which PATCH cannot change. */
final class ProviderRoute extends ResourceRoute<CustomProvider> {
  private static final Set<String> FIELDS = Set.of("providerId", "name", "baseUrl", "metadata",
      "supportedApiSurfaces", "models", "authHeader", "authValuePrefix");
  private static final int MAX_PROVIDER_ID = 255;
  private static final int MAX_BASE_URL = 2048;

  private final ProviderAdmin admin;

  ProviderRoute(ProviderAdmin admin, AdminCodec codec) {
    super(codec, "aiGatewayProviders", "/providers", admin::get, admin::delete, codec::provider);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<CustomProvider> list(AdminRequest request) {
    return admin.list(request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(FIELDS);
    CustomProvider.Builder b = CustomProvider.builder()
        .providerId(o.reqString("providerId", MAX_PROVIDER_ID))
        .name(Objects.requireNonNullElse(o.optString("name", GatewayAdmin.MAX_NAME),
            o.reqString("providerId", MAX_PROVIDER_ID)))
        .baseUrl(o.reqString("baseUrl", MAX_BASE_URL));
    apply(o, b);
    return json(admin.create(b));
  }

  @Override
  CustomProvider update(String id, AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(FIELDS);
    if (o.has("providerId")) {
      throw new ConfigurationException("providerId", "cannot be changed");
    }
    return admin.update(id, b -> {
      if (o.has("name")) {
        b.name(o.reqString("name", GatewayAdmin.MAX_NAME));
      }
      if (o.has("baseUrl")) {
        b.baseUrl(o.reqString("baseUrl", MAX_BASE_URL));
      }
      apply(o, b);
      return b;
    });
  }

  /** The fields create and PATCH share: metadata, auth header and prefix, surfaces, models. */
  private static void apply(Json.Obj o, CustomProvider.Builder b) {
    AdminJson.ifPresent(o, "metadata", GatewayAdmin.MAX_METADATA, b::metadata);
    AdminJson.ifPresent(o, "authHeader", 64, b::authHeader);
    AdminJson.ifPresent(o, "authValuePrefix", 64, b::authValuePrefix);
    List<Json.Element> surfaces = o.optArray("supportedApiSurfaces");
    if (surfaces != null) {
      List<SurfaceSupport> out = new ArrayList<>();
      for (Json.Element e : surfaces) {
        out.add(surface(e.obj()));
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

  /** {@code {"format","surface","supportedParams":[{"name"}]}}. */
  private static SurfaceSupport surface(Json.Obj s) {
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
    return new SurfaceSupport(fmt, sf, params);
  }
}
