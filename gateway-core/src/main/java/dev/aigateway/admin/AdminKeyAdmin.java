package dev.aigateway.admin;

import dev.aigateway.resource.AdminKey;
import org.jspecify.annotations.Nullable;

/**
 * Admin API keys ({@code aigak_}): the tokens that authorize the management API, kept in the gateway's
 * {@code KeyStore} (so every instance sharing the store accepts them). Only a digest of each token is stored;
 * the token is returned once, by {@link #create}. Thread-safe.
 *
 * <p>At least one way into the management API always remains: {@link #delete(String)} refuses to delete the
 * last admin key in the store ({@code conflict}, 409). {@link #delete(String, AdminKeys)} allows it when the
 * host also accepts a configured token ({@code AIGATEWAY_ADMIN_KEY}, {@code aigateway.admin.key}).
 */
public interface AdminKeyAdmin {
  /** Creates an admin key; the result holds its token, shown this once. */
  CreatedAdminKey create(AdminKeyChange fields);

  /** The key; {@code not_found} if there is none. */
  AdminKey get(String id);

  /** Newest first; {@code beforeId} continues a previous page; {@code limit} 1..100. */
  Page<AdminKey> list(@Nullable String beforeId, int limit);

  /** Applies the fields the change sets (an unset field is unchanged; a null one is cleared). */
  AdminKey update(String id, AdminKeyChange change);

  /**
   * Deletes (revokes) an admin key: its token is refused from the next request on. Refused with
   * {@code conflict} when it is the last admin key in the store.
   */
  void delete(String id);

  /**
   * Deletes (revokes) an admin key, as {@link #delete(String)}, except that the last admin key in the store may
   * go when {@code configured} holds a token of its own (a configured admin key keeps the API reachable).
   */
  void delete(String id, AdminKeys configured);
}
