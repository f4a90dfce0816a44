package dev.aigateway.admin;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing, newest first.
 *
 * @param items the items of this page
 * @param nextBeforeId pass as {@code beforeId} for the next page; null on the last page
 */
public record Page<T>(List<T> items, @Nullable String nextBeforeId) {
  public Page {
    items = List.copyOf(items);
  }
}
