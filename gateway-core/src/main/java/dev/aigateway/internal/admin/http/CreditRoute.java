package dev.aigateway.internal.admin.http;

import dev.aigateway.Gateway;
import java.util.Objects;

/** {@code GET /credits/balance}: the credit ledger's shared balance. */
final class CreditRoute implements AdminRoute {
  private final Gateway gateway;
  private final AdminCodec codec;

  CreditRoute(Gateway gateway, AdminCodec codec) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    request.requireRead("balance", 2);
    return AdminResponse.ok(codec.balance(gateway.creditLedger().balance("")));
  }
}
