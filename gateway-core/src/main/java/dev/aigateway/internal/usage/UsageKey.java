package dev.aigateway.internal.usage;

import dev.aigateway.spi.UsageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;

/**
 * Where an event sits in the listing order (timestamp, then request id, then attempt number, all
 * descending: newest first) and the opaque cursor that names a place in it.
 */
public record UsageKey(Instant timestamp, String requestId, int attemptNumber) {
  /** Newest first. */
  public static final Comparator<UsageKey> NEWEST_FIRST = Comparator.comparing(UsageKey::timestamp)
      .thenComparing(UsageKey::requestId).thenComparingInt(UsageKey::attemptNumber).reversed();

  public static UsageKey of(UsageEvent e) {
    return new UsageKey(e.timestamp(), e.requestId(), e.attemptNumber());
  }

  /** Whether {@code e} comes after this key in the listing order (is on a later page). */
  public boolean isBefore(UsageEvent e) {
    return NEWEST_FIRST.compare(this, of(e)) < 0;
  }

  /** The cursor of the page that starts after this key. */
  public String cursor() {
    String raw = "u1|" + timestamp.getEpochSecond() + "|" + timestamp.getNano() + "|" + attemptNumber + "|" + requestId;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads a cursor made by {@link #cursor()}.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static UsageKey parse(String cursor) {
    try {
      if (cursor.length() > 400) {
        throw new IllegalArgumentException("too long");
      }
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] p = raw.split("\\|", 5);
      if (p.length != 5 || !p[0].equals("u1") || !p[4].matches("[A-Za-z0-9_]{1,100}")) {
        throw new IllegalArgumentException("not a usage cursor");
      }
      int attempt = Integer.parseInt(p[3]);
      if (attempt < 1) {
        throw new IllegalArgumentException("not a usage cursor");
      }
      return new UsageKey(Instant.ofEpochSecond(Long.parseLong(p[1]), Long.parseLong(p[2])), p[4], attempt);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("not a usage cursor", e);
    }
  }
}
