package dev.aigateway.resource;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A virtual model ({@code aigvm_}): a name standing for an ordered list of 1..10 target model strings
 * ({@code gpt-4o}, {@code anthropic:claude-sonnet-4-6}). A request naming it tries the targets in order,
 * each access-checked on its own.
 */
public final class VirtualModel extends StoredResource {
  public static final int MAX_TARGETS = 10;
  public static final int MAX_NAME = 64;

  private final String name;
  private final @Nullable String description;
  private final List<String> targets;

  private VirtualModel(String id, String name, @Nullable String description, List<String> targets,
      Instant createdAt, Instant updatedAt) {
    super(id, createdAt, updatedAt);
    this.name = Objects.requireNonNull(name, "name");
    this.description = description;
    this.targets = List.copyOf(targets);
    if (this.targets.isEmpty() || this.targets.size() > MAX_TARGETS) {
      throw new IllegalArgumentException("a virtual model needs 1 to 10 targets but had " + this.targets.size());
    }
  }

  public static VirtualModel of(String id, String name, @Nullable String description, List<String> targets,
      Instant createdAt, Instant updatedAt) {
    return new VirtualModel(id, name, description, targets, createdAt, updatedAt);
  }

  public String name() {
    return name;
  }

  public @Nullable String description() {
    return description;
  }

  public List<String> targets() {
    return targets;
  }

  public VirtualModel withChanges(String newName, @Nullable String newDescription, List<String> newTargets, Instant now) {
    return new VirtualModel(id(), newName, newDescription, newTargets, createdAt(), now);
  }

  @Override
  public String toString() {
    return "VirtualModel[id=" + id() + ", name=" + name + ", targets=" + targets + "]";
  }
}
