package dev.aigateway.internal.auth;

import java.security.SecureRandom;

/**
 * Resource ids: a type prefix, then 8 base62 characters of creation time in milliseconds and 14 random
 * base62 characters (about 83 bits). Ids created later sort after earlier ones within one process.
 */
public final class Ids {
  public static final String ACCESS_KEY = "aigk_";
  public static final String CONFIGURATION = "aigac_";
  public static final String PROVIDER_KEY = "aigpk_";
  public static final String PROVIDER = "aigp_";
  public static final String VIRTUAL_MODEL = "aigvm_";
  public static final String REQUEST = "rq_";
  public static final String ADMIN_KEY = "aigak_";
  public static final String CREDIT_TRANSACTION = "aigct_";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static long lastMillis;

  private Ids() {}

  public static String newId(String prefix) {
    long millis;
    synchronized (Ids.class) {
      millis = Math.max(System.currentTimeMillis(), lastMillis);
      lastMillis = millis;
    }
    StringBuilder sb = new StringBuilder(prefix.length() + 22).append(prefix);
    Base62.appendFixed(sb, millis, 8);
    Base62.appendRandom(sb, RANDOM, 14);
    return sb.toString();
  }

  /**
   * A request id: 16 base62 characters from two random longs (not a secret, so a fast thread-local
   * generator is used; eight digits per long keep the bias below 1 in 80,000).
   */
  public static String newRequestId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    char[] buf = new char[REQUEST.length() + 16];
    REQUEST.getChars(0, REQUEST.length(), buf, 0);
    int at = REQUEST.length();
    for (int half = 0; half < 2; half++) {
      long v = r.nextLong() >>> 2; // 62^8 < 2^62: eight digits, plain signed arithmetic
      for (int k = 0; k < 8; k++) {
        buf[at++] = Base62.ALPHABET[(int) (v % 62)];
        v /= 62;
      }
    }
    return new String(buf);
  }
}
