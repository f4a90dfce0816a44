package dev.aigateway.admin;

import org.jspecify.annotations.Nullable;

/**
 * A field of an update: present with a value, present as null (clear it), or absent (leave it). Update
 * builders record which of their setters were called, so {@code name(null)} clears and not calling
 * {@code name} leaves it unchanged, as PATCH does.
 */
public final class Field<T> {
  private static final Field<?> ABSENT = new Field<>(false, null);

  private final boolean present;
  private final @Nullable T value;

  private Field(boolean present, @Nullable T value) {
    this.present = present;
    this.value = value;
  }

  @SuppressWarnings("unchecked")
  public static <T> Field<T> absent() {
    return (Field<T>) ABSENT;
  }

  public static <T> Field<T> of(@Nullable T value) {
    return new Field<>(true, value);
  }

  public boolean isPresent() {
    return present;
  }

  public @Nullable T value() {
    return value;
  }

  /** The new value if present, else {@code current}. */
  public @Nullable T orElse(@Nullable T current) {
    return present ? value : current;
  }

  @Override
  public String toString() {
    return present ? "Field[" + value + "]" : "Field[absent]";
  }
}
