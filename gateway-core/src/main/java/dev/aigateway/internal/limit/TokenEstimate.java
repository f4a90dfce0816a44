package dev.aigateway.internal.limit;

import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.tokens.TokenEstimator;
import java.util.List;
import java.util.Objects;

/**
 * The tokens reserved for a request before it runs, against {@code tokensPerMinute}: the tokens of its
 * body's text, counted by the gateway's {@link dev.aigateway.spi.TokenCounter} as for {@code maxInputTokens}
 * (o200k_base with {@code gateway-tokenizer}, else four bytes a token; beyond the first {@link #EXACT_CHARS}
 * characters of text, at their rate), plus the output it asks for
 * ({@code max_tokens}, {@code max_completion_tokens} or {@code max_output_tokens}, the largest when
 * several are given) or {@link #DEFAULT_OUTPUT_TOKENS} when none is. The real usage settles the count
 * afterwards, so the estimate only decides admission.
 */
public final class TokenEstimate {
  /** The output reserved when a request names no maximum. */
  public static final long DEFAULT_OUTPUT_TOKENS = 1024;
  /**
   * The characters of string text counted exactly, at most; the rest at their rate. Every request of a limited key
   * is estimated before admission, so the estimate's cost must not grow with a hostile body's size.
   */
  public static final int EXACT_CHARS = TokenEstimator.SAMPLE_CHARS;

  private final TokenEstimator tokens;

  public TokenEstimate(TokenEstimator tokens) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
  }

  /** The estimate for a body that {@link BodyScanner#scan} accepted. */
  public long of(byte[] body) {
    long input = tokens.jsonTextSampled(body, 0, body.length, EXACT_CHARS);
    long output = -1;
    List<BodyScanner.Member> members;
    try {
      members = BodyScanner.members(body, 0, body.length);
    } catch (RuntimeException e) {
      members = List.of(); // not an object body: the input estimate alone, plus the default output
    }
    for (BodyScanner.Member m : members) {
      String k = m.key();
      if (k.equals("max_tokens") || k.equals("max_completion_tokens") || k.equals("max_output_tokens")) {
        output = Math.max(output, number(body, m.start(), m.end()));
      }
    }
    return input + (output < 0 ? DEFAULT_OUTPUT_TOKENS : output);
  }

  /** The whole number after the member's colon, or -1 when the value is not one (null, a string, ...). */
  private static long number(byte[] b, int start, int end) {
    int i = start + 1;
    while (i < end && b[i] != '"') {
      i += b[i] == '\\' ? 2 : 1; // the key's closing quote
    }
    i++;
    while (i < end && (b[i] == ':' || b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    long v = 0;
    int digits = 0;
    while (i < end && b[i] >= '0' && b[i] <= '9' && digits < 15) {
      v = v * 10 + (b[i] - '0');
      i++;
      digits++;
    }
    if (digits == 15) {
      return Long.MAX_VALUE / 4; // absurdly large: reserve a whole minute's allowance
    }
    return digits == 0 ? -1 : v;
  }
}
