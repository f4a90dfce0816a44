package dev.aigateway.internal.attempt;

import dev.aigateway.spi.UpstreamResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/** Small helpers for moving provider responses: bounded reads, quiet closes, failure descriptions. */
final class Transfers {
  /** Largest provider error body passed through on {@code fail_fast}. */
  static final int MAX_ERROR_BODY = 1 << 20;

  private Transfers() {}

  /** The first bytes of a body: up to a limit, and whether the body ended within it. */
  static final class Head {
    final byte[] bytes;
    final int length;
    final boolean ended;

    Head(byte[] bytes, int length, boolean ended) {
      this.bytes = bytes;
      this.length = length;
      this.ended = ended;
    }
  }

  /**
   * Reads until the body ends or {@code limit} bytes have arrived, whichever comes first. With a declared
   * length within the limit (the provider's Content-Length; -1 when unknown) the buffer is exactly that
   * size, so a whole body is read with one allocation and no copy.
   */
  static Head readUpTo(InputStream in, int limit, long declaredLength) throws IOException {
    int initial = declaredLength >= 0 && declaredLength <= limit ? (int) declaredLength : Math.min(limit, 8192);
    byte[] buf = new byte[initial];
    int len = 0;
    while (true) {
      if (len == buf.length) {
        if (len >= limit) {
          return new Head(buf, len, false); // the limit is reached: the rest is passed through
        }
        int probe = in.read(); // full before the limit: has the body ended?
        if (probe < 0) {
          return new Head(buf, len, true);
        }
        buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(16L, 2L * len)));
        buf[len++] = (byte) probe;
        continue;
      }
      int n = in.read(buf, len, buf.length - len);
      if (n < 0) {
        return new Head(buf, len, true);
      }
      len += n;
    }
  }

  static byte[] readAll(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      total += n;
      if (total > max) {
        throw new IOException("response larger than " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static void closeQuietly(UpstreamResponse r) {
    try {
      r.close();
    } catch (IOException | RuntimeException e) {
      // already failed or closed
    }
  }

  static boolean isEventStream(UpstreamResponse r) {
    String type = r.header("content-type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  /** A transport failure in a few words: its type and message, which name hosts but never secrets. */
  static String describe(Throwable e) {
    String msg = e.getMessage();
    String s = e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    return s.length() > 200 ? s.substring(0, 200) : s;
  }
}
