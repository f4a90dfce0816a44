package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_METADATA;
import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.checkLimit;
import static dev.aigateway.internal.admin.AdminSupport.found;
import static dev.aigateway.internal.admin.AdminSupport.notFound;
import static dev.aigateway.internal.admin.AdminSupport.page;
import static dev.aigateway.internal.admin.AdminSupport.replaced;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.AdminKeyAdmin;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.AdminKeys;
import dev.aigateway.admin.CreatedAdminKey;
import dev.aigateway.admin.Page;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Admin API keys: minting tokens ({@link AdminKeys#newToken()}, kept only as a SHA-256 digest and a redacted
 * form), renaming, revoking, and keeping at least one way into the management API.
 */
final class AdminKeyService implements AdminKeyAdmin {
  private final AdminSupport support;
  private final KeyStore store;
  private final AdminKeys digests = new AdminKeys();

  AdminKeyService(AdminSupport support) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
  }

  /** {@code aigak_} and the first 6 characters of the id, {@code ***}, the token's last 4 characters. */
  static String redact(String token) {
    return token.substring(0, 12) + "***" + token.substring(token.length() - 4);
  }

  @Override
  public CreatedAdminKey create(AdminKeyChange fields) {
    Objects.requireNonNull(fields, "fields");
    String name = text(fields.name().value(), "name", MAX_NAME);
    String description = text(fields.description().value(), "description", MAX_NAME);
    String metadata = text(fields.metadata().value(), "metadata", MAX_METADATA);
    synchronized (support.lock()) {
      String token = AdminKeys.newToken();
      Instant now = support.now();
      AdminKey key = AdminKey.builder()
          .id(Objects.requireNonNull(AdminKeys.idOf(token), "a new token has an id"))
          .name(name)
          .description(description)
          .metadata(metadata)
          .keyRedacted(redact(token))
          .tokenDigest(digests.digestOf(token))
          .createdAt(now)
          .updatedAt(now)
          .build();
      store.putAdminKey(key);
      return new CreatedAdminKey(key, token);
    }
  }

  @Override
  public AdminKey get(String id) {
    return found(store.adminKey(Objects.requireNonNull(id, "id")), "admin API key", id);
  }

  @Override
  public Page<AdminKey> list(@Nullable String beforeId, int limit) {
    checkLimit(limit);
    List<AdminKey> items = store.adminKeys(beforeId, limit + 1);
    return page(items, limit, AdminKey::id);
  }

  @Override
  public AdminKey update(String id, AdminKeyChange change) {
    Objects.requireNonNull(change, "change");
    synchronized (support.lock()) {
      AdminKey k = get(id);
      AdminKey updated = k.toBuilder()
          .name(text(change.name().orElse(k.name()), "name", MAX_NAME))
          .description(text(change.description().orElse(k.description()), "description", MAX_NAME))
          .metadata(text(change.metadata().orElse(k.metadata()), "metadata", MAX_METADATA))
          .updatedAt(support.now())
          .build();
      return replaced(store.replaceAdminKey(updated), updated, "admin API key", id);
    }
  }

  @Override
  public void delete(String id) {
    delete(id, false);
  }

  @Override
  public void delete(String id, AdminKeys configured) {
    delete(id, !Objects.requireNonNull(configured, "configured").isEmpty());
  }

  /**
   * Without a configured token, the store checks and deletes in one atomic step
   * ({@link KeyStore#deleteAdminKeyUnlessLast}), so instances sharing a store that delete the last keys at once
   * never leave none.
   */
  private void delete(String id, boolean configuredTokenRemains) {
    Objects.requireNonNull(id, "id");
    synchronized (support.lock()) {
      if (configuredTokenRemains) {
        if (!store.deleteAdminKey(id)) {
          throw notFound("admin API key", id);
        }
        return;
      }
      switch (store.deleteAdminKeyUnlessLast(id)) {
        case DELETED -> { }
        case NOT_FOUND -> throw notFound("admin API key", id);
        case LAST -> throw new GatewayException(ErrorCode.CONFLICT, "Admin API key " + id + " is the last one and "
            + "cannot be deleted: the management API would accept no key. Create another admin API key first.");
      }
    }
  }
}
