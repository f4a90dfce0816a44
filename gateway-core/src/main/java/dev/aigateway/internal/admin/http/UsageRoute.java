package dev.aigateway.internal.admin.http;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.failover.RequestRecord;
import java.util.Objects;

/** {@code GET /usage/requests/{id}}: the attempts of one request still in the gateway's recent request log. */
final class UsageRoute implements AdminRoute {
  private final Gateway gateway;
  private final AdminCodec codec;

  UsageRoute(Gateway gateway, AdminCodec codec) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    request.requireRead("requests", 3);
    String id = request.segments().get(2);
    RequestRecord r = gateway.request(id);
    if (r == null) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No request '" + id.replaceAll("[^A-Za-z0-9_]", "?")
          + "' in the recent request log.");
    }
    return AdminResponse.ok(codec.request(r));
  }
}
