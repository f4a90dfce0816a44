package dev.aigateway.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Headers kept as two parallel lists (names, values), in arrival order. */
public final class HeaderLists {
  private HeaderLists() {}

  /** The first value of {@code name} (case-insensitive), or null. */
  public static @Nullable String first(List<String> names, List<String> values, String name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equalsIgnoreCase(name)) {
        return values.get(i);
      }
    }
    return null;
  }
}
