package dev.aigateway.internal.tokens;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigateway.internal.json.Json;
import java.io.IOException;

/**
 * Estimates token counts where a provider reports none: the text of a JSON body (every string value, no
 * member names or punctuation) counted with the {@code o200k_base} encoding (jtokkit, the tiktoken
 * encodings in Java). An estimate, not the provider's own count: other providers' tokenizers differ by a
 * few percent. Thread-safe; the encoding is loaded on first use.
 */
public final class TokenEstimator {
  /** Bytes per token assumed for bytes that are not kept (a stream's middle): a common rough rate. */
  private static final int BYTES_PER_TOKEN = 4;

  private TokenEstimator() {}

  private static final class Holder {
    static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  }

  /** Tokens of {@code text}. */
  public static long count(String text) {
    return text.isEmpty() ? 0 : Holder.ENCODING.countTokensOrdinary(text);
  }

  /**
   * Tokens of the text in a JSON body: the sum over its string values. A body that is not JSON (or is cut
   * short) counts the string values read until then, plus the rest at {@value #BYTES_PER_TOKEN} bytes a token.
   */
  public static long jsonText(byte[] body, int offset, int length) {
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

  /** A rough estimate for {@code bytes} bytes of text that were not kept. */
  public static long bytes(long bytes) {
    return (Math.max(0, bytes) + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN;
  }
}
