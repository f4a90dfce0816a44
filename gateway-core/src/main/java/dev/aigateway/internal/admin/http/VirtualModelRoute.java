package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.Field;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.VirtualModelAdmin;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.json.Json;
import dev.aigateway.resource.VirtualModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code /virtual-models}: targets as strings ({@code "provider:model"}) or {@code {"model","provider"}}
 * objects.
 */
final class VirtualModelRoute extends ResourceRoute<VirtualModel> {
  private static final Set<String> FIELDS = Set.of("name", "description", "targets");
  private static final int MAX_NAME = 64;

  private final VirtualModelAdmin admin;

  VirtualModelRoute(VirtualModelAdmin admin, AdminCodec codec) {
    super(codec, "aiGatewayVirtualModels", "/virtual-models", admin::get, admin::delete, codec::virtualModel);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<VirtualModel> list(AdminRequest request) {
    return admin.list(request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(FIELDS);
    List<String> targets = targets(o);
    if (targets == null) {
      throw new ConfigurationException("targets", "is required");
    }
    return json(admin.create(o.reqString("name", MAX_NAME), o.optString("description", GatewayAdmin.MAX_NAME),
        targets));
  }

  @Override
  VirtualModel update(String id, AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(FIELDS);
    String name = o.has("name") ? o.reqString("name", MAX_NAME) : null;
    Field<String> description = o.has("description")
        ? Field.of(o.optString("description", GatewayAdmin.MAX_NAME)) : Field.absent();
    return admin.update(id, name, description, targets(o));
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
}
