package dev.aigateway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * HTTP header fields in arrival order: names compare case-insensitively, a name may repeat. Immutable;
 * {@link #toString()} shows names only, because values carry credentials.
 *
 * <pre>{@code
 * Headers h = Headers.of("Authorization", "Bearer ng-...", "X-Trace", "a1");
 * h.get("authorization"); // "Bearer ng-..."
 * }</pre>
 */
public final class Headers {
  private static final Headers EMPTY = new Headers(new String[0]);

  /** Alternating names and values: {@code [name0, value0, name1, value1, ...]}. */
  private final String[] namesAndValues;

  private Headers(String[] namesAndValues) {
    this.namesAndValues = namesAndValues;
  }

  /** No headers. */
  public static Headers empty() {
    return EMPTY;
  }

  /** Headers from alternating names and values: {@code of("Accept", "text/plain", "X-Id", "7")}. */
  public static Headers of(String... namesAndValues) {
    Objects.requireNonNull(namesAndValues, "namesAndValues");
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("namesAndValues must hold pairs but had " + namesAndValues.length
          + " elements");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /** Headers from a map of names to values, in the map's iteration order. */
  public static Headers of(Map<String, List<String>> map) {
    Objects.requireNonNull(map, "map");
    Builder b = builder();
    map.forEach((name, values) -> {
      for (String v : values) {
        b.add(name, v);
      }
    });
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    Collections.addAll(b.namesAndValues, namesAndValues);
    return b;
  }

  /** The backing array, alternating names and values; for this package's hot paths, never to be changed. */
  String[] namesAndValues() {
    return namesAndValues;
  }

  /** The number of fields (a repeated name counts once per value). */
  public int size() {
    return namesAndValues.length / 2;
  }

  public boolean isEmpty() {
    return namesAndValues.length == 0;
  }

  /** The name of field {@code index}, as it arrived. */
  public String name(int index) {
    return namesAndValues[Objects.checkIndex(index, size()) * 2];
  }

  /** The value of field {@code index}. */
  public String value(int index) {
    return namesAndValues[Objects.checkIndex(index, size()) * 2 + 1];
  }

  /** The first value of {@code name} (case-insensitive), or null when absent. */
  public @Nullable String get(String name) {
    Objects.requireNonNull(name, "name");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i].equalsIgnoreCase(name)) {
        return namesAndValues[i + 1];
      }
    }
    return null;
  }

  /** Every value of {@code name} (case-insensitive), in order; empty when absent. */
  public List<String> values(String name) {
    Objects.requireNonNull(name, "name");
    List<String> out = null;
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i].equalsIgnoreCase(name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(namesAndValues[i + 1]);
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /** Whether {@code name} is present (case-insensitive). */
  public boolean contains(String name) {
    return get(name) != null;
  }

  /** The distinct names, lower-cased, sorted. */
  public Set<String> names() {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.add(namesAndValues[i].toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(out);
  }

  /** Calls {@code action} with each field's name and value, in order. */
  public void forEach(BiConsumer<String, String> action) {
    Objects.requireNonNull(action, "action");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      action.accept(namesAndValues[i], namesAndValues[i + 1]);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Headers h && Arrays.equals(namesAndValues, h.namesAndValues);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(namesAndValues);
  }

  /** Names only: values may be credentials. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Headers[");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      sb.append(i == 0 ? "" : ", ").append(namesAndValues[i]);
    }
    return sb.append(']').toString();
  }

  /** Builds {@link Headers}; {@link #build()} copies, so later changes never touch built headers. */
  public static final class Builder {
    private final List<String> namesAndValues = new ArrayList<>(16);

    private Builder() {}

    /** Adds a field; a name may repeat. */
    public Builder add(String name, String value) {
      namesAndValues.add(Objects.requireNonNull(name, "name"));
      namesAndValues.add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Adds every field of {@code headers}. */
    public Builder addAll(Headers headers) {
      Collections.addAll(namesAndValues, headers.namesAndValues);
      return this;
    }

    /** Replaces every value of {@code name} with this one. */
    public Builder set(String name, String value) {
      removeAll(name);
      return add(name, value);
    }

    /** Removes every field named {@code name} (case-insensitive). */
    public Builder removeAll(String name) {
      Objects.requireNonNull(name, "name");
      for (int i = namesAndValues.size() - 2; i >= 0; i -= 2) {
        if (namesAndValues.get(i).equalsIgnoreCase(name)) {
          namesAndValues.remove(i + 1);
          namesAndValues.remove(i);
        }
      }
      return this;
    }

    /** The first value of {@code name} added so far, or null. */
    public @Nullable String get(String name) {
      for (int i = 0; i < namesAndValues.size(); i += 2) {
        if (namesAndValues.get(i).equalsIgnoreCase(name)) {
          return namesAndValues.get(i + 1);
        }
      }
      return null;
    }

    public Headers build() {
      return namesAndValues.isEmpty() ? EMPTY : new Headers(namesAndValues.toArray(new String[0]));
    }
  }
}
