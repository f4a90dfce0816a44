package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.ConfigurationAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.config.ConfigurationJson;
import dev.aigateway.internal.admin.AdminJson;
import java.util.Objects;

/** {@code /access-key-configurations}: bodies in the configuration JSON of {@link ConfigurationJson}. */
final class ConfigurationRoute extends ResourceRoute<AccessKeyConfiguration> {
  private final ConfigurationAdmin admin;

  ConfigurationRoute(ConfigurationAdmin admin, AdminCodec codec) {
    super(codec, "aiGatewayAccessKeyConfigurations", "/access-key-configurations", admin::get, admin::delete,
        codec::configuration);
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  @Override
  Page<AccessKeyConfiguration> list(AdminRequest request) {
    return admin.list(request.beforeId(), request.limit());
  }

  @Override
  ObjectNode create(AdminRequest request) {
    return json(admin.create(ConfigurationJson.parseCreate(request.text())));
  }

  @Override
  AccessKeyConfiguration update(String id, AdminRequest request) {
    return admin.update(id, AdminJson.configurationChange(request.text()));
  }
}
