package dev.aigateway.admin;

/**
 * The management API in Java, one service per resource, with the reference's rules:
 *
 * <pre>{@code
 * CreatedAccessKey created = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("web").build());
 * String token = created.token(); // shown this once
 * gateway.admin().configurations().create(ConfigurationJson.parse(json));
 * }</pre>
 *
 * <p>The token of an access key is returned only by {@link AccessKeyAdmin#create}, that of an admin API key
 * only by {@link AdminKeyAdmin#create}; provider key values
 * are write-only; deleting a configuration or provider key that is still referenced is refused
 * ({@code conflict}, 409); a missing resource is {@code not_found} (404); every bad input is a
 * {@link dev.aigateway.config.ConfigurationException} naming its field.
 *
 * <p>Thread-safe: mutations are serialised, so reference checks and the change they guard are atomic
 * with respect to each other. Changes take effect on the gateway's next request.
 */
public interface GatewayAdmin {
  /** Longest name or description. */
  int MAX_NAME = 255;
  /** Longest metadata string. */
  int MAX_METADATA = 4096;
  /** Largest page. */
  int MAX_LIMIT = 100;

  AccessKeyAdmin accessKeys();

  ConfigurationAdmin configurations();

  ProviderKeyAdmin providerKeys();

  ProviderAdmin providers();

  VirtualModelAdmin virtualModels();

  /** The admin API keys of the management API ({@code /api-keys}). */
  AdminKeyAdmin adminKeys();
}
