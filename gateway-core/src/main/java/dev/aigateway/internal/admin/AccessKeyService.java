package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_METADATA;
import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.checkLimit;
import static dev.aigateway.internal.admin.AdminSupport.found;
import static dev.aigateway.internal.admin.AdminSupport.page;
import static dev.aigateway.internal.admin.AdminSupport.replaced;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.admin.AccessKeyAdmin;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.CreatedAccessKey;
import dev.aigateway.admin.Page;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.auth.AccessTokens;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.auth.SecretDigest;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Access keys: minting tokens (kept only as a digest and a redacted form), linking a key to an existing
 * configuration, revoking. Mutations hold the shared lock, so a configuration cannot be deleted between
 * the check that it exists and the link to it.
 */
final class AccessKeyService implements AccessKeyAdmin {
  private final AdminSupport support;
  private final KeyStore store;
  private final AccessTokens tokens;
  private final SecretDigest digest;

  AccessKeyService(AdminSupport support, AccessTokens tokens, SecretDigest digest) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.digest = Objects.requireNonNull(digest, "digest");
  }

  @Override
  public CreatedAccessKey create(AccessKeyChange fields) {
    Objects.requireNonNull(fields, "fields");
    synchronized (support.lock()) {
      String configId = fields.configurationId().value();
      if (configId != null) {
        requireConfiguration(configId);
      }
      String id = Ids.newId(Ids.ACCESS_KEY);
      String token = tokens.newToken(id);
      Instant now = support.now();
      AccessKey key = AccessKey.builder()
          .id(id)
          .name(text(fields.name().value(), "name", MAX_NAME))
          .description(text(fields.description().value(), "description", MAX_NAME))
          .metadata(text(fields.metadata().value(), "metadata", MAX_METADATA))
          .configurationId(configId)
          .keyRedacted(tokens.redact(token))
          .secretDigest(digest.digest(token, tokens.secretStart(), token.length() - AccessTokens.CHECKSUM_LENGTH))
          .createdAt(now)
          .updatedAt(now)
          .build();
      store.putAccessKey(key);
      return new CreatedAccessKey(key, token);
    }
  }

  @Override
  public AccessKey get(String id) {
    return found(store.accessKey(Objects.requireNonNull(id, "id")), "access key", id);
  }

  @Override
  public Page<AccessKey> list(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    List<AccessKey> items = store.accessKeys(beforeId, limit + 1);
    return page(items, limit, AccessKey::id);
  }

  @Override
  public AccessKey update(String id, AccessKeyChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (support.lock()) {
      AccessKey k = get(id);
      String configId = change.configurationId().orElse(k.configurationId());
      if (change.configurationId().isPresent() && configId != null) {
        requireConfiguration(configId);
      }
      AccessKey updated = k.toBuilder()
          .name(text(change.name().orElse(k.name()), "name", MAX_NAME))
          .description(text(change.description().orElse(k.description()), "description", MAX_NAME))
          .metadata(text(change.metadata().orElse(k.metadata()), "metadata", MAX_METADATA))
          .configurationId(configId)
          .updatedAt(support.now())
          .build();
      return replaced(store.replaceAccessKey(updated), updated, "access key", id);
    }
  }

  @Override
  public void delete(String id) {
    support.delete("access key", id, store::deleteAccessKey);
  }

  private void requireConfiguration(String id) {
    if (store.configuration(id) == null) {
      throw new ConfigurationException("accessKeyConfigurationId",
          "no access key configuration '" + ModelResolver.display(id) + "'");
    }
  }
}
