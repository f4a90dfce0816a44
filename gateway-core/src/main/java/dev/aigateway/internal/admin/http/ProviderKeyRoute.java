package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.ProviderKeyAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.admin.AdminJson;
import dev.aigateway.internal.json.Json;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code /provider-keys} (filtered by {@code ?provider=}) and {@code POST /provider-keys/{id}/rotate}: the
 * value is written on create and rotate only, never by PATCH.
 */
final class ProviderKeyRoute extends ResourceRoute<ProviderKey> {
  private static final Set<String> CREATE_FIELDS = Set.of("providerId", "name", "value", "description", "metadata");
  private static final Set<String> PATCH_FIELDS = Set.of("name", "description", "metadata");
  private static final Set<String> ROTATE_FIELDS = Set.of("name", "value");
  private static final int MAX_VALUE = 16384;

  private final ProviderKeyAdmin admin;

  ProviderKeyRoute(ProviderKeyAdmin admin, AdminCodec codec) {
    super(codec, "aiGatewayProviderKeys", "/provider-keys", admin::get, admin::delete, codec::providerKey);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<ProviderKey> list(AdminRequest request) {
    return admin.list(request.query().get("provider"), request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(CREATE_FIELDS);
    ProviderKeyChange.Builder b = ProviderKeyChange.builder();
    String providerId = o.optString("providerId", 255);
    if (providerId != null) {
      b.providerId(providerId);
    }
    AdminJson.ifPresent(o, "name", GatewayAdmin.MAX_NAME, b::name);
    String value = o.optString("value", MAX_VALUE);
    if (value != null) {
      if (value.isEmpty()) {
        throw new ConfigurationException("value", "must not be empty");
      }
      b.value(value);
    }
    b.description(o.optString("description", GatewayAdmin.MAX_NAME));
    b.metadata(o.optString("metadata", GatewayAdmin.MAX_METADATA));
    return json(admin.create(b.build()));
  }

  @Override
  ProviderKey update(String id, AdminRequest request) {
    Json.Obj o = request.obj();
    o.allowOnly(PATCH_FIELDS);
    ProviderKeyChange.Builder b = ProviderKeyChange.builder();
    AdminJson.ifPresent(o, "name", GatewayAdmin.MAX_NAME, b::name);
    AdminJson.ifPresent(o, "description", GatewayAdmin.MAX_NAME, b::description);
    AdminJson.ifPresent(o, "metadata", GatewayAdmin.MAX_METADATA, b::metadata);
    return admin.update(id, b.build());
  }

  /** {@code POST /provider-keys/{id}/rotate} with {@code {"name","value"}}. */
  @Override
  @Nullable AdminResponse action(String id, String action, AdminRequest request) {
    if (!action.equals("rotate")) {
      return null;
    }
    request.requireMethod("POST");
    Json.Obj o = request.obj();
    o.allowOnly(ROTATE_FIELDS);
    String name = o.reqString("name", GatewayAdmin.MAX_NAME);
    String value = o.reqString("value", MAX_VALUE);
    return AdminResponse.ok(json(admin.rotate(id, name, SecretValue.of(value))));
  }
}
