package dev.aigateway.internal;

import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;
import org.jspecify.annotations.Nullable;

/**
 * Lets the gateway construct {@link GatewayAdmin} without giving it a public constructor that would
 * expose internal types (the pattern of the JDK's {@code SharedSecrets}).
 */
public final class AdminAccess {
  /** Builds an admin. */
  @FunctionalInterface
  public interface Factory {
    GatewayAdmin create(KeyStore store, Clock clock, AccessTokens tokens, SecretDigest digest, RoutingView routing,
        dev.aigateway.spi.BaseUrlGuard guard);
  }

  private static volatile @Nullable Factory factory;

  private AdminAccess() {}

  public static void register(Factory f) {
    factory = f;
  }

  public static GatewayAdmin create(KeyStore store, Clock clock, AccessTokens tokens, SecretDigest digest,
      RoutingView routing, dev.aigateway.spi.BaseUrlGuard guard) {
    Factory f = factory;
    if (f == null) {
      try {
        Class.forName(GatewayAdmin.class.getName(), true, GatewayAdmin.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      f = factory;
    }
    if (f == null) {
      throw new IllegalStateException("GatewayAdmin did not register its factory");
    }
    return f.create(store, clock, tokens, digest, routing, guard);
  }
}
