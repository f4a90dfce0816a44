package dev.aigateway.internal.admin;

import dev.aigateway.admin.AccessKeyAdmin;
import dev.aigateway.admin.AdminKeyAdmin;
import dev.aigateway.admin.ConfigurationAdmin;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.ProviderAdmin;
import dev.aigateway.admin.ProviderKeyAdmin;
import dev.aigateway.admin.VirtualModelAdmin;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.auth.SecretDigest;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.spi.BaseUrlGuard;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;

/**
 * The management API's implementation: one service per resource, all sharing one {@link AdminSupport}
 * and so one lock, so that a reference check in one service and the change it guards in another are
 * atomic.
 */
public final class DefaultGatewayAdmin implements GatewayAdmin {
  private final AccessKeyAdmin accessKeys;
  private final ConfigurationAdmin configurations;
  private final ProviderKeyAdmin providerKeys;
  private final ProviderAdmin providers;
  private final VirtualModelAdmin virtualModels;
  private final AdminKeyAdmin adminKeys;

  /** Made by the gateway; hosts use {@code gateway.admin()}. */
  public DefaultGatewayAdmin(KeyStore store, Clock clock, AccessTokens tokens, SecretDigest digest, RoutingView routing,
      BaseUrlGuard guard) {
    AdminSupport support = new AdminSupport(store, clock);
    ProviderKeyService keys = new ProviderKeyService(support, routing);
    this.accessKeys = new AccessKeyService(support, tokens, digest);
    this.configurations = new ConfigurationService(support, routing, keys);
    this.providerKeys = keys;
    this.providers = new ProviderService(support, routing, guard);
    this.virtualModels = new VirtualModelService(support, routing);
    this.adminKeys = new AdminKeyService(support);
  }

  @Override
  public AccessKeyAdmin accessKeys() {
    return accessKeys;
  }

  @Override
  public ConfigurationAdmin configurations() {
    return configurations;
  }

  @Override
  public ProviderKeyAdmin providerKeys() {
    return providerKeys;
  }

  @Override
  public ProviderAdmin providers() {
    return providers;
  }

  @Override
  public VirtualModelAdmin virtualModels() {
    return virtualModels;
  }

  @Override
  public AdminKeyAdmin adminKeys() {
    return adminKeys;
  }
}
