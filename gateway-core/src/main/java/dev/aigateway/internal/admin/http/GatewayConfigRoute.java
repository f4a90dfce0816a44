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
 * they take effect: in the gateway's store when it keeps the configuration, patched onto the newest saved one in one
 * step (every gateway sharing the store then applies it, see {@link Gateway#updateGatewayConfig}), and through the
 * host's savers when given (with a store that keeps it, both after it is saved; otherwise the settings saver first,
 * the limits saver once the change is in force).
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
    // kept by the store: the patch applies to the newest saved configuration, in one step with other instances'
    Gateway.@Nullable GatewayConfig[] seen = new Gateway.GatewayConfig[2];
    if (gateway.updateGatewayConfig(current -> {
      GatewayConfigCodec.Config patched = GatewayConfigCodec.patch(o, current.limits(), current.settings());
      Gateway.GatewayConfig next = new Gateway.GatewayConfig(patched.limits(), patched.settings());
      seen[0] = current;
      seen[1] = next;
      return next;
    })) {
      Gateway.GatewayConfig before = Objects.requireNonNull(seen[0]);
      Gateway.GatewayConfig after = Objects.requireNonNull(seen[1]);
      if (settingsSaver != null && !after.settings().equals(before.settings())) {
        settingsSaver.accept(after.settings());
      }
      if (limitsSaver != null) {
        limitsSaver.accept(after.limits());
      }
      return;
    }
    GatewayConfigCodec.Config next = GatewayConfigCodec.patch(o, gateway.limits(), gateway.accountSettings());
    Gateway.AccountSettings settings = next.settings();
    boolean settingsChanged = !settings.equals(gateway.accountSettings());
    if (settingsChanged && settingsSaver != null) {
      settingsSaver.accept(settings);
    }
    // not kept by the store: applied here only
    if (settingsChanged) {
      gateway.updateAccountSettings(settings);
    }
    gateway.updateLimits(next.limits());
    if (limitsSaver != null) {
      limitsSaver.accept(next.limits());
    }
  }
}
