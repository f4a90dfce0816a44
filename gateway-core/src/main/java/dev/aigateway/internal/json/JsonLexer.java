package dev.aigateway.internal.json;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import java.nio.charset.StandardCharsets;

/**
 * A validating JSON lexer over a byte range (RFC 8259, UTF-8): skips any value while checking it, and
 * reads string bodies, without building a tree or allocating. Strings of plain ASCII are crossed eight
 * bytes at a time (SWAR). {@link BodyScanner} builds on it to find the fields routing needs.
 */
abstract class JsonLexer {
  /** Deepest nesting accepted. */
  static final int MAX_DEPTH = 256;

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long SPACES = ONES * 0x20;

  final byte[] b;
  final int end;
  int i;

  /**
   * Whether all eight bytes of {@code x} are printable ASCII other than {@code "} and {@code \}. The
   * classic SWAR tests may report a match that is not there (a borrow from a lower byte), never miss one;
   * a false report only sends those bytes to the byte-by-byte loop.
   */
  static boolean plain(long x) {
    long quote = x ^ QUOTES;
    long backslash = x ^ BACKSLASHES;
    long special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((x - SPACES) & ~x) | x;
    return (special & HIGHS) == 0;
  }

  /** Skips one value at nesting {@code depth} (the top-level object is depth 0). */
  final void skipValue(int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid("nesting deeper than " + MAX_DEPTH);
    }
    byte c = peek();
    switch (c) {
      case '"' -> {
        i++;
        skipStringBody();
      }
      case '{' -> {
        i++;
        ws();
        if (peek() == '}') {
          i++;
          return;
        }
        while (true) {
          ws();
          expect('"');
          skipStringBody();
          ws();
          expect(':');
          ws();
          skipValue(depth + 1);
          ws();
          byte d = next();
          if (d == '}') {
            return;
          }
          if (d != ',') {
            throw invalid("expected ',' or '}' at byte " + (i - 1));
          }
        }
      }
      case '[' -> {
        i++;
        ws();
        if (peek() == ']') {
          i++;
          return;
        }
        while (true) {
          ws();
          skipValue(depth + 1);
          ws();
          byte d = next();
          if (d == ']') {
            return;
          }
          if (d != ',') {
            throw invalid("expected ',' or ']' at byte " + (i - 1));
          }
        }
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
          return;
        }
        throw invalid("unexpected character at byte " + i);
      }
    }
  }

  final void number() {
    final byte[] a = b;
    final int e = end;
    int j = i;
    if (j < e && a[j] == '-') {
      j++;
    }
    if (j >= e) {
      throw invalid("bad number at byte " + j);
    }
    byte c = a[j];
    if (c == '0') {
      j++;
    } else if (c >= '1' && c <= '9') {
      j++;
      while (j < e && a[j] >= '0' && a[j] <= '9') {
        j++;
      }
    } else {
      throw invalid("bad number at byte " + j);
    }
    if (j < e && a[j] == '.') {
      j = digits(a, j + 1, e);
    }
    if (j < e && (a[j] == 'e' || a[j] == 'E')) {
      j++;
      if (j < e && (a[j] == '+' || a[j] == '-')) {
        j++;
      }
      j = digits(a, j, e);
    }
    i = j;
  }

  private static int digits(byte[] a, int from, int e) {
    int j = from;
    while (j < e && a[j] >= '0' && a[j] <= '9') {
      j++;
    }
    if (j == from) {
      throw invalid("bad number at byte " + j);
    }
    return j;
  }

  final void literal(String word) {
    int n = word.length();
    if (end - i < n) {
      throw invalid("unexpected end of the body");
    }
    for (int k = 0; k < n; k++) {
      if (b[i + k] != word.charAt(k)) {
        throw invalid("unexpected character at byte " + (i + k));
      }
    }
    i += n;
  }

  /**
   * Skips a string body after its opening quote, validating escapes and UTF-8; leaves {@code i} after
   * the closing quote. Answers whether the string held an escape.
   */
  final boolean skipStringBody() {
    boolean escaped = false;
    final byte[] a = b;
    final int e = end;
    while (true) {
      int j = i;
      // eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII
      while (j + 8 <= e && plain((long) LONGS.get(a, j))) {
        j += 8;
      }
      while (j < e) { // printable ASCII fast path, in locals so the JIT keeps them in registers
        int c = a[j];
        if (c < 0x20 || c == '"' || c == '\\') {
          break;
        }
        j++;
      }
      i = j;
      if (i >= e) {
        throw invalid("unterminated string");
      }
      int c = a[i];
      if (c == '"') {
        i++;
        return escaped;
      }
      if (c == '\\') {
        escaped = true;
        escape();
        continue;
      }
      if (c >= 0 && c < 0x20) {
        throw invalid("control character in a string at byte " + i);
      }
      utf8(c & 0xFF);
    }
  }

  final void escape() {
    i++;
    if (i >= end) {
      throw invalid("unterminated string");
    }
    byte e = b[i++];
    switch (e) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        // a one-character escape: nothing more to check
      }
      case 'u' -> {
        if (end - i < 4) {
          throw invalid("unterminated string");
        }
        for (int k = 0; k < 4; k++) {
          if (Character.digit(b[i + k], 16) < 0) {
            throw invalid("bad \\u escape at byte " + (i + k));
          }
        }
        i += 4;
      }
      default -> throw invalid("bad escape at byte " + (i - 1));
    }
  }

  /** Validates one multi-byte UTF-8 sequence starting with {@code lead}. */
  final void utf8(int lead) {
    int need;
    int min;
    if (lead >= 0xC2 && lead <= 0xDF) {
      need = 1;
      min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      need = 2;
      min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      need = 3;
      min = 0x10000;
    } else {
      throw invalid("invalid UTF-8 at byte " + i);
    }
    if (end - i <= need) {
      throw invalid("invalid UTF-8 at byte " + i);
    }
    int cp = lead & (0x3F >> need);
    for (int k = 1; k <= need; k++) {
      int cont = b[i + k] & 0xFF;
      if ((cont & 0xC0) != 0x80) {
        throw invalid("invalid UTF-8 at byte " + (i + k));
      }
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw invalid("invalid UTF-8 at byte " + i);
    }
    i += need + 1;
  }

  /** Decodes a validated string body (between its quotes) that holds escapes. */
  final String decode(int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    int k = from;
    while (k < to) {
      int c = b[k] & 0xFF;
      if (c != '\\') {
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        sb.append(new String(b, k, n, StandardCharsets.UTF_8));
        k += n;
        continue;
      }
      byte e = b[k + 1];
      switch (e) {
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          sb.append((char) Integer.parseInt(new String(b, k + 2, 4, StandardCharsets.US_ASCII), 16));
          k += 6;
          continue;
        }
        default -> sb.append((char) e);
      }
      k += 2;
    }
    return sb.toString();
  }

  final void ws() {
    final byte[] a = b;
    final int e = end;
    int j = i;
    while (j < e) {
      byte c = a[j];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        j++;
      } else {
        break;
      }
    }
    i = j;
  }

  final byte peek() {
    if (i >= end) {
      throw invalid("unexpected end of the body");
    }
    return b[i];
  }

  final byte next() {
    if (i >= end) {
      throw invalid("unexpected end of the body");
    }
    return b[i++];
  }

  final void expect(char c) {
    if (next() != c) {
      throw invalid("expected '" + c + "' at byte " + (i - 1));
    }
  }

  static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request body: " + message);
  }

  JsonLexer(byte[] b, int offset, int length) {
    this.b = b;
    this.i = offset;
    this.end = offset + length;
  }
}
