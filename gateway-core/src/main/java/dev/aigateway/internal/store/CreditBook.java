package dev.aigateway.internal.store;

import dev.aigateway.admin.Page;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The state of a credit ledger in memory: the balance in micro-cents and the transactions in the order
 * they were created (each usage day in the place of its first charge). Every method is synchronized, so
 * a charge reads and writes the balance and its day in one step: concurrent charges never lose one another.
 * The ledgers keep one each; the data-directory ledger also asks it which usage days changed since it last
 * wrote them.
 */
public final class CreditBook {
  /** Written under the lock, read without it: the request path's balance check takes no lock. */
  private volatile long balanceMicroCents;
  private final List<CreditTransaction> transactions = new ArrayList<>();
  private final Map<String, Integer> positions = new HashMap<>();
  private final Map<LocalDate, String> usageIds = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();

  public long balanceMicroCents() {
    return balanceMicroCents;
  }

  /** Books a charge on the usage day of {@code at} (UTC), creating the day on its first charge. */
  public synchronized void charge(CreditLedger.Charge charge, Instant at) {
    long amount = charge.amountMicroCents();
    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
    String id = usageIds.get(day);
    CreditTransaction current;
    if (id == null) {
      id = Ids.newId(Ids.CREDIT_TRANSACTION);
      current = CreditTransaction.usage(id, day, at, at, 0, 0, 0, 0);
    } else {
      current = transactions.get(position(id));
    }
    long next = Math.subtractExact(balanceMicroCents, amount);
    put(current.plus(charge, at));
    balanceMicroCents = next;
    dirty.add(id);
  }

  /** Adds a grant that is already durable (or needs not be). */
  public synchronized void grant(CreditTransaction grant) {
    balanceMicroCents = Math.addExact(balanceMicroCents, grant.amountMicroCents());
    put(grant);
  }

  /** Replays a transaction read back from storage: a grant, or a usage day (replacing an earlier copy). */
  public synchronized void load(CreditTransaction t) {
    Integer at = positions.get(t.id());
    if (at != null) {
      balanceMicroCents = Math.subtractExact(balanceMicroCents, transactions.get(at).amountMicroCents());
    }
    balanceMicroCents = Math.addExact(balanceMicroCents, t.amountMicroCents());
    put(t);
  }

  private int position(String id) {
    Integer at = positions.get(id);
    if (at == null) {
      throw new IllegalStateException("no transaction " + id);
    }
    return at;
  }

  private void put(CreditTransaction t) {
    Integer at = positions.get(t.id());
    if (at == null) {
      positions.put(t.id(), transactions.size());
      transactions.add(t);
    } else {
      transactions.set(at, t);
    }
    if (t.type() == CreditTransaction.Type.USAGE && t.day() != null) {
      usageIds.put(t.day(), t.id());
    }
  }

  /** The usage days charged since the last call, as they are now; the set is cleared. */
  public synchronized List<CreditTransaction> takeDirty() {
    List<CreditTransaction> out = new ArrayList<>(dirty.size());
    for (String id : dirty) {
      out.add(transactions.get(position(id)));
    }
    dirty.clear();
    return out;
  }

  /** Marks usage days as not yet written again (their write failed). */
  public synchronized void markDirty(List<CreditTransaction> days) {
    for (CreditTransaction t : days) {
      dirty.add(t.id());
    }
  }

  public synchronized List<CreditTransaction> all() {
    return List.copyOf(transactions);
  }

  public synchronized int size() {
    return transactions.size();
  }

  public synchronized Page<CreditTransaction> page(@Nullable String beforeId, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be from 1 to 100 but was " + limit);
    }
    int end = transactions.size();
    if (beforeId != null) {
      Integer at = positions.get(beforeId);
      if (at == null) {
        throw new IllegalArgumentException("beforeId is not a transaction of this ledger");
      }
      end = at;
    }
    List<CreditTransaction> items = new ArrayList<>(Math.min(limit, end));
    for (int i = end - 1; i >= 0 && items.size() < limit; i--) {
      items.add(transactions.get(i));
    }
    String next = items.size() == limit && end - limit > 0 ? items.get(items.size() - 1).id() : null;
    return new Page<>(items, next);
  }
}
