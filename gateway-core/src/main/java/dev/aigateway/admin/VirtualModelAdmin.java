package dev.aigateway.admin;

import dev.aigateway.resource.VirtualModel;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Virtual models: a name standing for an ordered list of 1..10 target models. Thread-safe. */
public interface VirtualModelAdmin {
  VirtualModel create(String name, @Nullable String description, List<String> targets);

  VirtualModel get(String id);

  Page<VirtualModel> list(@Nullable String beforeId, int limit);

  /** A null {@code name} or {@code targets} is unchanged; {@code description} follows {@link Field}. */
  VirtualModel update(String id, @Nullable String name, Field<String> description, @Nullable List<String> targets);

  void delete(String id);
}
