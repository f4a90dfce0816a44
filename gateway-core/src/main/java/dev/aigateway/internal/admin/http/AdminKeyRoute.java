package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.AdminKeyAdmin;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAdminKey;
import dev.aigateway.admin.Page;
import dev.aigateway.internal.admin.AdminJson;
import dev.aigateway.resource.AdminKey;
import java.util.Objects;

/**
 * {@code /api-keys}: admin API keys; the token is in the create response only. Deleting the last stored key is
 * refused unless the host also accepts a configured admin token.
 */
final class AdminKeyRoute extends ResourceRoute<AdminKey> {
  private final AdminKeyAdmin admin;

  AdminKeyRoute(AdminKeyAdmin admin, AdminKeys configured, AdminCodec codec) {
    super(codec, "aiGatewayApiKeys", "/api-keys", admin::get, id -> admin.delete(id, configured), codec::adminKey);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<AdminKey> list(AdminRequest request) {
    return admin.list(request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    CreatedAdminKey created = admin.create(AdminJson.adminKeyChange(request.text()));
    ObjectNode n = json(created.key());
    n.put("token", created.token());
    return n;
  }

  @Override
  AdminKey update(String id, AdminRequest request) {
    return admin.update(id, AdminJson.adminKeyChange(request.text()));
  }
}
