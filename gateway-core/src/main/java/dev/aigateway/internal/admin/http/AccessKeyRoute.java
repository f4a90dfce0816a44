package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.AccessKeyAdmin;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.Page;
import dev.aigateway.internal.admin.AdminJson;
import dev.aigateway.resource.AccessKey;
import java.util.Objects;

/** {@code /access-keys}: the token is in the create response only. */
final class AccessKeyRoute extends ResourceRoute<AccessKey> {
  private final AccessKeyAdmin admin;

  AccessKeyRoute(AccessKeyAdmin admin, AdminCodec codec) {
    super(codec, "aiGatewayAccessKeys", "/access-keys", admin::get, admin::delete, codec::accessKey);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<AccessKey> list(AdminRequest request) {
    return admin.list(request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    CreatedAccessKey created = admin.create(AdminJson.accessKeyChange(request.text()));
    ObjectNode n = json(created.key());
    n.put("token", created.token());
    return n;
  }

  @Override
  AccessKey update(String id, AdminRequest request) {
    return admin.update(id, AdminJson.accessKeyChange(request.text()));
  }
}
