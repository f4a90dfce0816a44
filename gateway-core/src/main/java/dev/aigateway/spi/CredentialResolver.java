package dev.aigateway.spi;

import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where upstream secrets come from: the secret of a stored provider key, and the managed credential of
 * a provider (the credential a {@code managed}/{@code ngrok} step uses).
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe.
 * {@link #managed} is also called while planning (to know whether a managed step yields anything), so it
 * should be fast: cache what a vault returns.
 */
public interface CredentialResolver {

  /** The secret for a stored provider key, or null if none is available. */
  @Nullable SecretValue providerKey(ProviderKey key);

  /** The managed credential for a provider, or null if the host supplies none. */
  @Nullable SecretValue managed(String providerId);

  /** Reads provider key values held by the store; no managed credentials. */
  static CredentialResolver storeValues() {
    return StoreValues.NO_MANAGED;
  }

  /** A copy of this resolver that also answers a managed credential for {@code providerId}. */
  default CredentialResolver withManaged(String providerId, SecretValue secret) {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(secret, "secret");
    CredentialResolver base = this;
    return new CredentialResolver() {
      @Override
      public @Nullable SecretValue providerKey(ProviderKey key) {
        return base.providerKey(key);
      }

      @Override
      public @Nullable SecretValue managed(String id) {
        return id.equals(providerId) ? secret : base.managed(id);
      }

      @Override
      public String toString() {
        return base + " + managed(" + providerId + ")";
      }
    };
  }

  /**
   * Stored provider key values, plus managed credentials read once from environment variables
   * ({@code providerId -> variable name}); variables that are unset or empty are skipped.
   */
  static CredentialResolver managedFromEnv(Map<String, String> providerToVariable,
      Function<String, @Nullable String> env) {
    CredentialResolver r = storeValues();
    for (Map.Entry<String, String> e : new HashMap<>(providerToVariable).entrySet()) {
      String v = env.apply(e.getValue());
      if (v != null && !v.isEmpty()) {
        r = r.withManaged(e.getKey(), SecretValue.of(v));
      }
    }
    return r;
  }
}

enum StoreValues implements CredentialResolver {
  NO_MANAGED;

  @Override
  public @Nullable SecretValue providerKey(ProviderKey key) {
    return key.value();
  }

  @Override
  public @Nullable SecretValue managed(String providerId) {
    return null;
  }

  @Override
  public String toString() {
    return "CredentialResolver.storeValues()";
  }
}
