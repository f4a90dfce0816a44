package dev.aigateway.internal.json;

import java.nio.charset.StandardCharsets;

/**
 * Reads token counts from a response without binding it: the last {@code prompt_tokens} /
 * {@code input_tokens} and {@code completion_tokens} / {@code output_tokens} numbers in the bytes. Works
 * for OpenAI chat and responses bodies, Anthropic messages, and the usage events of their streams.
 */
public final class Usage {
  public final long input;
  public final long output;

  private Usage(long input, long output) {
    this.input = input;
    this.output = output;
  }

  public static final Usage NONE = new Usage(0, 0);

  public static Usage scan(byte[] b, int from, int to) {
    long in = last(b, from, to, "\"prompt_tokens\"");
    if (in < 0) {
      in = last(b, from, to, "\"input_tokens\"");
    }
    long out = last(b, from, to, "\"completion_tokens\"");
    if (out < 0) {
      out = last(b, from, to, "\"output_tokens\"");
    }
    return in < 0 && out < 0 ? NONE : new Usage(Math.max(in, 0), Math.max(out, 0));
  }

  /** Combines counts seen in two parts of a stream (its head and its tail). */
  public Usage merge(Usage later) {
    return new Usage(later.input > 0 ? later.input : input, later.output > 0 ? later.output : output);
  }

  private static long last(byte[] b, int from, int to, String key) {
    byte[] k = key.getBytes(StandardCharsets.US_ASCII);
    for (int i = to - k.length; i >= from; i--) {
      if (b[i] == '"' && matches(b, i, k)) {
        int j = i + k.length;
        while (j < to && (b[j] == ' ' || b[j] == ':' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r')) {
          j++;
        }
        long v = 0;
        int digits = 0;
        while (j < to && b[j] >= '0' && b[j] <= '9' && digits < 15) {
          v = v * 10 + (b[j] - '0');
          j++;
          digits++;
        }
        if (digits > 0) {
          return v;
        }
      }
    }
    return -1;
  }

  private static boolean matches(byte[] b, int at, byte[] k) {
    for (int n = 0; n < k.length; n++) {
      if (b[at + n] != k[n]) {
        return false;
      }
    }
    return true;
  }
}
