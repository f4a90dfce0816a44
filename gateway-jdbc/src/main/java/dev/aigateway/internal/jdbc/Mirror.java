package dev.aigateway.internal.jdbc;

import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory copy of the database that every read is served from, and the listeners told of each change
 * to it. Writers hold {@link #lock()} from the database write (or read) until the copy is updated, so an
 * older row can never overwrite a newer one in memory; readers take no lock.
 */
public final class Mirror {
  private static final Logger LOG = LoggerFactory.getLogger(Mirror.class);
  private volatile InMemoryKeyStore memory;
  private final List<KeyStore.Listener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();

  public Mirror(InMemoryKeyStore initial) {
    this.memory = initial;
  }

  /** The current copy; replaced as a whole only by a full reload. */
  public InMemoryKeyStore memory() {
    return memory;
  }

  public ReentrantLock lock() {
    return lock;
  }

  public void addListener(KeyStore.Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Makes {@code value} visible, then tells the listeners. */
  public <T> void put(Table<T> table, T value) {
    table.putInto().accept(memory, value);
    fire(table.type(), table.keyOf().apply(value));
  }

  /** Removes, then tells the listeners (whether or not it existed); answers whether it existed. */
  public boolean remove(Table<?> table, String key) {
    boolean existed = table.removeFrom().test(memory, key);
    fire(table.type(), key);
    return existed;
  }

  /** Removes when present, and then tells the listeners; answers whether it was present. */
  public boolean removeIfPresent(Table<?> table, String key) {
    boolean existed = table.removeFrom().test(memory, key);
    if (existed) {
      fire(table.type(), key);
    }
    return existed;
  }

  /** Replaces the whole copy (after a full reload) and tells the listeners of every resource in either. */
  public void replaceAll(InMemoryKeyStore fresh) {
    InMemoryKeyStore old = memory;
    memory = fresh;
    for (Table<?> table : Table.ALL) {
      Set<String> keys = new LinkedHashSet<>();
      keysOf(table, old, keys);
      keysOf(table, fresh, keys);
      for (String key : keys) {
        fire(table.type(), key);
      }
    }
  }

  private static <T> void keysOf(Table<T> table, InMemoryKeyStore store, Set<String> into) {
    for (T value : table.all().apply(store)) {
      into.add(table.keyOf().apply(value));
    }
  }

  /** A listener that throws is logged and ignored: it must not stop the others, nor fail the change. */
  private void fire(ResourceType type, String id) {
    for (KeyStore.Listener l : listeners) {
      try {
        l.changed(type, id);
      } catch (RuntimeException e) {
        LOG.warn("A key store listener failed on a change of {} {}", type, id, e);
      }
    }
  }
}
