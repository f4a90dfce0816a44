package dev.aigateway.spi;

/**
 * Counts the tokens of a piece of text, for the gateway's estimates where a provider reports no usage: the
 * {@code maxInputTokens} check before any upstream call, and the credits charged for a response without
 * {@code usage}. The gateway calls it once per string value of a JSON body (member names, numbers and
 * punctuation are not counted).
 *
 * <p>Which counter a gateway uses: the one given to {@code Gateway.builder().tokenCounter(...)}, else
 * {@link #fourBytesPerToken()}. {@code gateway-tokenizer} has the {@code o200k_base} encoding
 * ({@code O200kTokenCounter.create()}); the runnable server and the Spring Boot starter use it.
 *
 * <p>Thread-safety: called concurrently from request threads, with text from clients and providers;
 * implementations must be thread-safe and fast (no I/O), and must not count more tokens than the text has
 * UTF-8 bytes (the gateway does not count a body shorter in bytes than the limit it checks). A counter that
 * throws is logged and that text counted by {@link #fourBytesPerToken()}.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The tokens of {@code text}; 0 for the empty string. */
  long count(String text);

  /**
   * The default when no tokenizer is present: the text's UTF-8 length at four bytes a token, rounded up. A
   * common rough rate for English prose; for code, or for text in other scripts, it can be off by half or
   * more either way. Thread-safe, allocates nothing.
   */
  static TokenCounter fourBytesPerToken() {
    return FourBytesPerToken.INSTANCE;
  }
}
