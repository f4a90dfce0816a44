package dev.aigateway.spring;

import dev.aigateway.Gateway;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.store.DataDirectoryKeyStore;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health indicator {@code aigateway}: UP when the gateway's {@link KeyStore} answers a read, DOWN
 * (with the failure's class name only) when it throws. Details name the store's kind and, for the embedded
 * store, its directory; never a key, token or secret.
 */
public final class AiGatewayHealthIndicator implements HealthIndicator {
  private final Gateway gateway;

  public AiGatewayHealthIndicator(Gateway gateway) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
  }

  @Override
  public Health health() {
    KeyStore store = gateway.keyStore();
    Health.Builder health;
    try {
      store.accessKeys(null, 1);
      health = Health.up();
    } catch (RuntimeException e) {
      // the message may name resources; the class is enough to look further in the logs
      health = Health.down().withDetail("error", e.getClass().getName());
    }
    health.withDetail("store", store.getClass().getSimpleName());
    if (store instanceof DataDirectoryKeyStore dir) {
      health.withDetail("dataDir", dir.directory().toAbsolutePath().toString());
    }
    return health.build();
  }

  @Override
  public String toString() {
    return "AiGatewayHealthIndicator[" + gateway.keyStore().getClass().getSimpleName() + "]";
  }
}
