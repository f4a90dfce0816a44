package dev.aigateway.internal.admin;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.Page;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the per-resource services share: the store, the clock, the one lock every mutation holds (so a
 * reference check in one service and the change it guards in another are atomic), and the common rules
 * (text lengths, page limits, paging, not-found).
 */
final class AdminSupport {
  private final KeyStore store;
  private final Clock clock;
  private final Object lock = new Object();

  AdminSupport(KeyStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  KeyStore store() {
    return store;
  }

  /** The lock that serialises every mutation of every resource. */
  Object lock() {
    return lock;
  }

  /** Runs {@code delete} under the lock; {@code not_found} naming {@code what} when it deleted nothing. */
  void delete(String what, String id, Predicate<String> delete) {
    synchronized (lock) {
      if (!delete.test(Objects.requireNonNull(id, "id"))) {
        throw notFound(what, id);
      }
    }
  }

  /**
   * Answers {@code value} when the store's {@code replace*} replaced it; {@code not_found} naming {@code what}
   * and {@code id} when the resource was deleted meanwhile (by another instance sharing the store): an update
   * never brings a deleted resource back.
   */
  static <T> T replaced(boolean replaced, T value, String what, String id) {
    if (!replaced) {
      throw notFound(what, id);
    }
    return value;
  }

  /** The clock's time to the millisecond, as stored. */
  Instant now() {
    return clock.now().truncatedTo(ChronoUnit.MILLIS);
  }

  static @Nullable String text(@Nullable String value, String field, int max) {
    if (value != null && value.length() > max) {
      throw new ConfigurationException(field, "must be at most " + max + " characters but was " + value.length());
    }
    return value;
  }

  static void checkLimit(int limit) {
    if (limit < 1 || limit > GatewayAdmin.MAX_LIMIT) {
      throw new ConfigurationException("limit", "must be from 1 to " + GatewayAdmin.MAX_LIMIT + " but was " + limit);
    }
  }

  /** A page of {@code limit} items from a newest-first list that holds one more item when there is a next page. */
  static <T> Page<T> page(List<T> newestFirstPlusOne, int limit, Function<T, String> id) {
    if (newestFirstPlusOne.size() > limit) {
      List<T> items = newestFirstPlusOne.subList(0, limit);
      return new Page<>(items, id.apply(items.get(limit - 1)));
    }
    return new Page<>(newestFirstPlusOne, null);
  }

  /**
   * A page of the items {@code all} supplies, newest (highest id) first, of those older than
   * {@code beforeId}; the limit is checked before {@code all} is asked.
   */
  static <T> Page<T> pageOf(Supplier<List<T>> all, @Nullable String beforeId, int limit, Function<T, String> id) {
    checkLimit(limit);
    List<T> sorted = new ArrayList<>(all.get());
    sorted.sort(Comparator.comparing(id).reversed());
    List<T> out = new ArrayList<>(limit + 1);
    for (T t : sorted) {
      if (beforeId != null && id.apply(t).compareTo(beforeId) >= 0) {
        continue;
      }
      out.add(t);
      if (out.size() > limit) {
        break;
      }
    }
    return page(out, limit, id);
  }

  /** {@code value}, or {@code not_found} naming {@code what} and {@code id} when it is null. */
  static <T> T found(@Nullable T value, String what, String id) {
    if (value == null) {
      throw notFound(what, id);
    }
    return value;
  }

  static GatewayException notFound(String what, String id) {
    return new GatewayException(ErrorCode.NOT_FOUND, "No " + what + " '" + ModelResolver.display(id) + "'.");
  }
}
