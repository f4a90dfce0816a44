package dev.aigateway.admin;

import dev.aigateway.resource.AccessKey;
import org.jspecify.annotations.Nullable;

/** Access keys: the tokens clients hold. Thread-safe. */
public interface AccessKeyAdmin {
  /** Creates an access key; the result holds its token, shown this once. */
  CreatedAccessKey create(AccessKeyChange fields);

  /** The key; {@code not_found} if there is none. */
  AccessKey get(String id);

  /** Newest first; {@code beforeId} continues a previous page; {@code limit} 1..100. */
  Page<AccessKey> list(@Nullable String beforeId, int limit);

  /** Applies the fields the change sets (an unset field is unchanged; a null one is cleared). */
  AccessKey update(String id, AccessKeyChange change);

  /** Deletes (revokes) an access key; the next request with its token fails. */
  void delete(String id);
}
