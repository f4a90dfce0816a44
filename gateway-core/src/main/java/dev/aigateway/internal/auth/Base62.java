package dev.aigateway.internal.auth;

import java.security.SecureRandom;

/** Base62 alphabet helpers for ids and tokens. */
public final class Base62 {
  static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private Base62() {}

  /** Appends {@code length} characters drawn uniformly from the alphabet. */
  public static void appendRandom(StringBuilder out, SecureRandom random, int length) {
    for (int i = 0; i < length; i++) {
      out.append(ALPHABET[random.nextInt(62)]);
    }
  }

  /** Encodes {@code value} (unsigned) as exactly {@code width} characters, most significant first. */
  public static void appendFixed(StringBuilder out, long value, int width) {
    char[] buf = new char[width];
    long v = value;
    for (int i = width - 1; i >= 0; i--) {
      buf[i] = ALPHABET[(int) Long.remainderUnsigned(v, 62)];
      v = Long.divideUnsigned(v, 62);
    }
    out.append(buf);
  }

  /** Value of one character, or -1 if it is not in the alphabet. */
  public static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 36;
    }
    return -1;
  }

  /** Whether every character of {@code s} in [from, to) is base62. */
  public static boolean isBase62(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (digit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes a fixed-width field; -1 if a character is invalid. Width must be at most 10. */
  public static long decodeFixed(CharSequence s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = digit(s.charAt(i));
      if (d < 0) {
        return -1;
      }
      v = v * 62 + d;
    }
    return v;
  }
}
