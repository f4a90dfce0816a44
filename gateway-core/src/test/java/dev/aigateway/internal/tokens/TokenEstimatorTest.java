package dev.aigateway.internal.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.spi.TokenCounter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class TokenEstimatorTest {
  /** One token per space-separated word: easy to check by eye. */
  private static final TokenCounter WORDS = text -> text.isBlank() ? 0 : text.trim().split(" +").length;

  private static long json(TokenEstimator e, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return e.jsonText(b, 0, b.length);
  }

  @Test
  void aJsonBody_countsItsStringValues_withTheCounter_notItsMemberNamesOrNumbers() {
    TokenEstimator e = new TokenEstimator(WORDS);
    assertThat(json(e, "{\"messages\":[{\"role\":\"user\",\"content\":\"hello big world\"}],\"max_tokens\":100}"))
        .isEqualTo(1 + 3);
    assertThat(json(e, "{}")).isZero();
  }

  @Test
  void withTheDefaultCounter_eachStringValueCountsFourBytesAToken_roundedUp() {
    TokenEstimator e = new TokenEstimator(TokenCounter.fourBytesPerToken());
    // "user": 4 bytes = 1; "hello world": 11 bytes = 3
    assertThat(json(e, "{\"role\":\"user\",\"content\":\"hello world\"}")).isEqualTo(4);
    assertThat(json(e, "{\"content\":\"h\\u00e9llo\"}")).as("escapes count as the text they stand for").isEqualTo(2);
  }

  @Test
  void aBodyThatIsNotJson_fallsBackToFourBytesAToken() {
    TokenEstimator e = new TokenEstimator(WORDS);
    assertThat(json(e, "not json at all")).isEqualTo(4); // 15 bytes, rounded up
    assertThat(json(e, "{\"a\":\"hello world\",")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aCounterThatThrowsOrAnswersNegative_isReplacedByFourBytesAToken_forThatText() {
    TokenEstimator throwing = new TokenEstimator(text -> {
      throw new IllegalStateException("broken");
    });
    assertThat(throwing.count("hello world")).isEqualTo(3);
    assertThat(json(throwing, "{\"a\":\"hello world\"}")).isEqualTo(3);
    assertThat(new TokenEstimator(text -> -7).count("hello world")).isEqualTo(3);
    assertThat(throwing.count("")).as("the empty string never reaches the counter").isZero();
  }

  @Test
  void bytes_roundUp() {
    assertThat(TokenEstimator.bytes(0)).isZero();
    assertThat(TokenEstimator.bytes(1)).isEqualTo(1);
    assertThat(TokenEstimator.bytes(8)).isEqualTo(2);
    assertThat(TokenEstimator.bytes(-5)).isZero();
  }
}
