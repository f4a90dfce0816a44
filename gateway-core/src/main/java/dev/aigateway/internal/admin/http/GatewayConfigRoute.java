package dev.aigateway.internal.admin.http;

import dev.aigateway.Gateway;
import dev.aigateway.internal.json.GatewayConfigCodec;
import dev.aigateway.internal.json.Json;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET|PATCH /gateway-config}: the request limits, durations Go-style ({@code 120s}, {@code 1m30s},
 * {@code 500ms}), and the account settings ({@code creditsEnforced}, {@code processingFeeCentsPerMillionTokens},
 * {@code maxInputTokens}, {@code maxOutputTokens}, {@code metadata}, {@code accountId}, {@code corsAllowedOrigins}).
 * In PATCH an omitted field is unchanged and {@code null} restores its default (or clears it); the JSON is
 * {@link GatewayConfigCodec}'s. The whole PATCH is checked before anything changes; the settings are saved before
 * they take effect: in the gateway's store when it keeps the configuration (every gateway sharing the store then
 * applies it, see {@link Gateway#saveGatewayConfig}), and through the host's savers when given (the settings saver
 * first, the limits saver once the change is in force).
 */
final class GatewayConfigRoute implements AdminRoute {
  private final Gateway gateway;
  private final AdminCodec codec;
  private final @Nullable Consumer<Gateway.Limits> limitsSaver;
  private final @Nullable Consumer<Gateway.AccountSettings> settingsSaver;

  GatewayConfigRoute(Gateway gateway, AdminCodec codec, @Nullable Consumer<Gateway.Limits> limitsSaver,
      @Nullable Consumer<Gateway.AccountSettings> settingsSaver) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.limitsSaver = limitsSaver;
    this.settingsSaver = settingsSaver;
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    request.requireDepth(1);
    if (request.method().equals("PATCH")) {
      update(request.obj());
    } else if (!request.isRead()) {
      throw request.methodNotAllowed();
    }
    return AdminResponse.ok(codec.gatewayConfig(gateway.limits(), gateway.accountSettings()));
  }

  private synchronized void update(Json.Obj o) {
    GatewayConfigCodec.Config next = GatewayConfigCodec.patch(o, gateway.limits(), gateway.accountSettings());
    Gateway.AccountSettings settings = next.settings();
    boolean settingsChanged = !settings.equals(gateway.accountSettings());
    if (settingsChanged && settingsSaver != null) {
      settingsSaver.accept(settings);
    }
    // kept by the store (and applied on every gateway on it), or else applied here only
    if (!gateway.saveGatewayConfig(next.limits(), settings)) {
      if (settingsChanged) {
        gateway.updateAccountSettings(settings);
      }
      gateway.updateLimits(next.limits());
    }
    if (limitsSaver != null) {
      limitsSaver.accept(next.limits());
    }
  }
}
