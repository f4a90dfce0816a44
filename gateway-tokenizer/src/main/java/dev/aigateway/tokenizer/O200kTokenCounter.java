package dev.aigateway.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigateway.spi.TokenCounter;

/**
 * Counts tokens with the {@code o200k_base} encoding (GPT-4o, GPT-4.1, o-series; jtokkit, the tiktoken
 * encodings in Java), for {@code Gateway.builder().tokenCounter(O200kTokenCounter.create())}; other
 * providers' tokenizers differ from it by a few percent.
 *
 * <p>Thread-safe. The encoding (a few megabytes) is loaded once per class loader, on the first count.
 */
public final class O200kTokenCounter implements TokenCounter {

  private O200kTokenCounter() {}

  /** A counter; every instance shares one encoding. */
  public static O200kTokenCounter create() {
    return new O200kTokenCounter();
  }

  private static final class Holder {
    static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  }

  @Override
  public long count(String text) {
    return text.isEmpty() ? 0 : Holder.ENCODING.countTokensOrdinary(text);
  }

  @Override
  public String toString() {
    return "O200kTokenCounter";
  }
}
