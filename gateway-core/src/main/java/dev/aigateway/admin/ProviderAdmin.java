package dev.aigateway.admin;

import dev.aigateway.resource.CustomProvider;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Custom providers: OpenAI- or Anthropic-compatible endpoints of the host's choosing. Thread-safe. */
public interface ProviderAdmin {
  /** Creates a custom provider; its base URL passes the gateway's {@code BaseUrlGuard}. */
  CustomProvider create(CustomProvider.Builder draft);

  /** By {@code providerId} (the name used in models and rules) or by {@code aigp_} id. */
  CustomProvider get(String providerId);

  Page<CustomProvider> list(@Nullable String beforeId, int limit);

  /** Applies {@code change} to a builder of the current provider, validated as on create. */
  CustomProvider update(String providerId, UnaryOperator<CustomProvider.Builder> change);

  /** Deletes a custom provider; refused with {@code conflict} while keys or configurations use it. */
  void delete(String providerId);
}
