package dev.aigateway.internal.admin.http;

import dev.aigateway.Gateway;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.json.Json;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.util.Objects;
import java.util.Set;

/**
 * The credit ledger: {@code GET /credits/balance} ({@code {"balanceCents"}}), {@code POST /credits/grants}
 * ({@code {"amountCents","description"}}, 201 with the grant, durable when answered) and
 * {@code GET /credits/transactions} ({@code {"items":[..]}}, newest first, {@code beforeId} and {@code limit}).
 */
final class CreditRoute implements AdminRoute {
  private static final Set<String> GRANT_FIELDS = Set.of("amountCents", "description");

  private final Gateway gateway;
  private final AdminCodec codec;

  CreditRoute(Gateway gateway, AdminCodec codec) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    if (request.segments().size() != 2) {
      throw AdminRequest.noSuchEndpoint();
    }
    CreditLedger ledger = gateway.creditLedger();
    return switch (request.segments().get(1)) {
      case "balance" -> {
        request.requireRead("balance", 2);
        yield AdminResponse.ok(codec.balance(ledger));
      }
      case "transactions" -> transactions(request, ledger);
      case "grants" -> {
        request.requireMethod("POST");
        yield AdminResponse.created(codec.creditTransaction(grant(request.obj(), ledger)));
      }
      default -> throw AdminRequest.noSuchEndpoint();
    };
  }

  private AdminResponse transactions(AdminRequest request, CreditLedger ledger) {
    request.requireRead("transactions", 2);
    int limit = request.limit();
    if (limit < 1 || limit > 100) {
      throw new ConfigurationException("limit", "must be from 1 to 100 but was " + limit);
    }
    String before = request.beforeId();
    if (before != null && !before.matches("[A-Za-z0-9_]{1,64}")) {
      throw new ConfigurationException("beforeId", "must be a transaction id");
    }
    try {
      return AdminResponse.ok(codec.creditTransactions(ledger.transactions(before, limit),
          request.query().get("limit")));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("beforeId", "is not a transaction of this ledger");
    }
  }

  private static CreditTransaction grant(Json.Obj o, CreditLedger ledger) {
    o.allowOnly(GRANT_FIELDS);
    com.fasterxml.jackson.databind.JsonNode amount = o.raw("amountCents");
    if (amount == null) {
      throw new ConfigurationException(o.child("amountCents"), "is required");
    }
    if (!amount.isIntegralNumber() || !amount.canConvertToLong() || amount.longValue() < 1
        || amount.longValue() > CreditLedger.MAX_GRANT_CENTS) {
      throw new ConfigurationException(o.child("amountCents"), "must be a whole number of cents from 1 to "
          + CreditLedger.MAX_GRANT_CENTS);
    }
    String description = o.optString("description", 255);
    return ledger.grant(amount.longValue(), description);
  }
}
