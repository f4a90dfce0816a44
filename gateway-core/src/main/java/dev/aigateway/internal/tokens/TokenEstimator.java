package dev.aigateway.internal.tokens;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.internal.json.Json;
import dev.aigateway.spi.TokenCounter;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Estimates token counts where a provider reports none: the text of a JSON body (every string value, no
 * member names or punctuation) counted by the gateway's {@link TokenCounter} ({@code o200k_base} when
 * {@code gateway-tokenizer} is present, else four bytes a token). An estimate, not the provider's own count:
 * other providers' tokenizers differ by a few percent. Thread-safe.
 */
public final class TokenEstimator {
  private static final Logger LOG = LoggerFactory.getLogger(TokenEstimator.class);
  /** Bytes per token assumed for bytes that are not kept (a stream's middle): a common rough rate. */
  private static final int BYTES_PER_TOKEN = 4;

  private final TokenCounter counter;
  private final AtomicBoolean warned = new AtomicBoolean();

  public TokenEstimator(TokenCounter counter) {
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** The counter in use. */
  public TokenCounter counter() {
    return counter;
  }

  /**
   * Tokens of {@code text}. A counter that throws or answers a negative number is logged once and that text
   * counted at {@value #BYTES_PER_TOKEN} bytes a token: an estimate never fails a request.
   */
  public long count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    try {
      long n = counter.count(text);
      if (n >= 0) {
        return n;
      }
      warnOnce("answered " + n, null);
    } catch (RuntimeException | StackOverflowError e) {
      warnOnce("failed", e);
    }
    return TokenCounter.fourBytesPerToken().count(text);
  }

  private void warnOnce(String what, @Nullable Throwable e) {
    if (warned.compareAndSet(false, true)) {
      LOG.warn("token counter {} {}; such text is counted at four bytes a token (logged once)",
          counter.getClass().getName(), what, e);
    }
  }

  /**
   * Tokens of the text in a JSON body: the sum over its string values. A body that is not JSON (or is cut
   * short) counts the string values read until then, plus the rest at {@value #BYTES_PER_TOKEN} bytes a token.
   */
  public long jsonText(byte[] body, int offset, int length) {
    long tokens = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body, offset, length)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.VALUE_STRING) {
          tokens += count(p.getText());
        }
      }
      return tokens;
    } catch (IOException e) {
      return tokens + bytes(length);
    }
  }

  /**
   * The characters of string text a bounded count gives the counter, at most ({@link #jsonTextBounded}): every
   * estimate a client's body can cause (admission, {@code maxInputTokens}, a charge without usage) must not cost
   * more as a hostile body grows.
   */
  public static final int SAMPLE_CHARS = 1 << 16;

  /** {@link #jsonTextSampled} with {@link #SAMPLE_CHARS}: exact for bodies within it, at its rate beyond. */
  public long jsonTextBounded(byte[] body, int offset, int length) {
    return jsonTextSampled(body, offset, length, SAMPLE_CHARS);
  }

  /**
   * As {@link #jsonText}, at a bounded cost: the counter is given at most the first {@code maxChars} characters of
   * the body's string values, and the string text beyond them is counted at the rate of those (tokens per
   * character, rounded up). A counter such as {@code o200k_base} takes up to a few microseconds a character, so an
   * exact count of a large body costs seconds.
   */
  public long jsonTextSampled(byte[] body, int offset, int length, int maxChars) {
    long tokens = 0;
    long sampled = 0;
    long rest = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body, offset, length)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.VALUE_STRING) {
          continue;
        }
        int n = p.getTextLength();
        long room = maxChars - sampled;
        if (n <= room) {
          tokens += count(p.getText());
          sampled += n;
        } else if (room > 0) {
          char[] chars = p.getTextCharacters();
          int start = p.getTextOffset();
          int cut = (int) room;
          if (Character.isHighSurrogate(chars[start + cut - 1])) {
            cut--; // never half a pair
          }
          tokens += count(new String(chars, start, cut));
          sampled = maxChars; // the sample ends here
          rest += n - cut;
        } else {
          rest += n;
        }
      }
      return tokens + atRate(tokens, sampled, rest);
    } catch (IOException e) {
      return tokens + atRate(tokens, sampled, rest) + bytes(length);
    }
  }

  /** The tokens of {@code rest} characters at the rate {@code tokens} per {@code sampled}, rounded up. */
  private static long atRate(long tokens, long sampled, long rest) {
    if (rest == 0 || tokens == 0 || sampled == 0) {
      return 0;
    }
    double scaled = Math.ceil((double) tokens / sampled * rest);
    return scaled >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : (long) scaled;
  }

  /** A rough estimate for {@code bytes} bytes of text that were not kept. */
  public static long bytes(long bytes) {
    return (Math.max(0, bytes) + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
  }
}
