package dev.aigateway.internal.json;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads what a provider reported about a response without binding it: the last {@code prompt_tokens} /
 * {@code input_tokens} and {@code completion_tokens} / {@code output_tokens} numbers in the bytes, the cache
 * reads ({@code cached_tokens}, {@code cache_read_input_tokens}), the reasoning tokens
 * ({@code reasoning_tokens}) and the stop reason ({@code finish_reason}, {@code stop_reason}). Works for
 * OpenAI chat and responses bodies, Anthropic messages, and the events of their streams. One backward pass
 * over the bytes, however many fields are looked for.
 */
public final class Usage {
  public final long input;
  public final long output;
  public final long cacheRead;
  public final long reasoning;
  public final @Nullable String stopReason;

  private Usage(long input, long output, long cacheRead, long reasoning, @Nullable String stopReason) {
    this.input = input;
    this.output = output;
    this.cacheRead = cacheRead;
    this.reasoning = reasoning;
    this.stopReason = stopReason;
  }

  public static final Usage NONE = new Usage(0, 0, 0, 0, null);

  private static final int INPUT = 0;
  private static final int OUTPUT = 1;
  private static final int CACHE_READ = 2;
  private static final int REASONING = 3;
  private static final int STOP = 4;
  private static final int SLOTS = 5;

  /** The member names looked for, each with its slot. */
  private static final byte[][] KEYS = {
      ascii("\"prompt_tokens\""), ascii("\"input_tokens\""), ascii("\"completion_tokens\""),
      ascii("\"output_tokens\""), ascii("\"cached_tokens\""), ascii("\"cache_read_input_tokens\""),
      ascii("\"reasoning_tokens\""), ascii("\"finish_reason\""), ascii("\"stop_reason\"")};
  private static final int[] SLOT = {INPUT, INPUT, OUTPUT, OUTPUT, CACHE_READ, CACHE_READ, REASONING, STOP, STOP};

  /** How far before the token counts the other fields are looked for. */
  private static final int WINDOW = 4096;

  /** The longest stop reason kept; longer values (and values with other than word characters) are ignored. */
  private static final int MAX_STOP_REASON = 64;

  public static Usage scan(byte[] b, int from, int to) {
    long input = -1; // no array: this runs on every response
    long output = -1;
    long cacheRead = -1;
    long reasoning = -1;
    int done = 0; // a bit per slot filled
    String stop = null;
    int found = 0;
    int stopAt = from;
    for (int i = to - 1; i >= stopAt && found < SLOTS; i--) {
      if (b[i] != '"') {
        continue;
      }
      for (int k = 0; k < KEYS.length; k++) {
        int slot = SLOT[k];
        // the last occurrence of any of a slot's names wins: a provider's usage comes after the content, so a
        // count-like member inside the content (a tool call's raw JSON input) cannot override it
        if ((done & (1 << slot)) != 0) {
          continue;
        }
        byte[] key = KEYS[k];
        if (i + key.length > to || !matches(b, i, key)) {
          continue;
        }
        int j = skipColon(b, i + key.length, to);
        if (slot == STOP) {
          String value = word(b, j, to);
          if (value != null) {
            stop = value;
            done |= 1 << slot;
          }
        } else {
          long v = number(b, j, to);
          if (v >= 0) {
            switch (slot) {
              case INPUT -> input = v;
              case OUTPUT -> output = v;
              case CACHE_READ -> cacheRead = v;
              default -> reasoning = v;
            }
            done |= 1 << slot;
          }
        }
        if ((done & (1 << slot)) != 0) {
          found++;
          if (slot == INPUT) {
            // the cache reads and reasoning tokens sit after the input count in every usage object: whatever is
            // further back (a tool call's raw JSON input) is content, never the provider's report
            int details = (1 << CACHE_READ) | (1 << REASONING);
            found += Integer.bitCount(details & ~done);
            done |= details;
          }
          if (stopAt == from && (done & (1 << INPUT)) != 0 && (done & (1 << OUTPUT)) != 0) {
            // the details sit beside the counts (and a stop reason just before them): a bounded look further
            // back, so that a large body without them is not read to its start
            stopAt = Math.max(from, i - WINDOW);
          }
        }
        break;
      }
    }
    if (input < 0 && output < 0 && cacheRead < 0 && reasoning < 0
        && stop == null) {
      return NONE;
    }
    return new Usage(Math.max(input, 0), Math.max(output, 0), Math.max(cacheRead, 0),
        Math.max(reasoning, 0), stop);
  }

  /** Combines what two parts of a stream reported (its head and its tail): the later part wins. */
  public Usage merge(Usage later) {
    return new Usage(later.input > 0 ? later.input : input, later.output > 0 ? later.output : output,
        later.cacheRead > 0 ? later.cacheRead : cacheRead, later.reasoning > 0 ? later.reasoning : reasoning,
        later.stopReason != null ? later.stopReason : stopReason);
  }

  private static int skipColon(byte[] b, int j, int to) {
    while (j < to && (b[j] == ' ' || b[j] == ':' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r')) {
      j++;
    }
    return j;
  }

  private static long number(byte[] b, int j, int to) {
    long v = 0;
    int digits = 0;
    while (j < to && b[j] >= '0' && b[j] <= '9' && digits < 15) {
      v = v * 10 + (b[j] - '0');
      j++;
      digits++;
    }
    return digits > 0 ? v : -1;
  }

  /** A string value of word characters ({@code [A-Za-z0-9_-]}, at most 64), or null (null, other text). */
  private static @Nullable String word(byte[] b, int j, int to) {
    if (j >= to || b[j] != '"') {
      return null;
    }
    int start = j + 1;
    int end = start;
    while (end < to && end - start <= MAX_STOP_REASON) {
      byte c = b[end];
      if (c == '"') {
        return end > start ? new String(b, start, end - start, StandardCharsets.US_ASCII) : null;
      }
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return null;
      }
      end++;
    }
    return null;
  }

  private static boolean matches(byte[] b, int at, byte[] k) {
    for (int n = 0; n < k.length; n++) {
      if (b[at + n] != k[n]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
