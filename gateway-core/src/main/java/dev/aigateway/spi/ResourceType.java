package dev.aigateway.spi;

/** The kinds of resource a {@link KeyStore} holds. */
public enum ResourceType {
  ACCESS_KEY,
  CONFIGURATION,
  PROVIDER_KEY,
  PROVIDER,
  VIRTUAL_MODEL,
  /** An admin API key ({@code aigak_}): authorizes the management API. */
  ADMIN_KEY,
  /**
   * The account-wide gateway configuration of {@code /gateway-config} (limits and account settings), one per
   * store, reported with the id {@link KeyStore#GATEWAY_CONFIG_ID}.
   */
  GATEWAY_CONFIG
}
