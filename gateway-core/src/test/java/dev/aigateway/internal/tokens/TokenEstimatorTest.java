package dev.aigateway.internal.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class TokenEstimatorTest {
  private static long json(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return TokenEstimator.jsonText(b, 0, b.length);
  }

  @Test
  void countsWithTheO200kEncoding() {
    assertThat(TokenEstimator.count("hello world")).isEqualTo(2);
    assertThat(TokenEstimator.count("")).isZero();
  }

  @Test
  void aJsonBody_countsItsStringValues_notItsMemberNamesOrNumbers() {
    assertThat(json("{\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],\"max_tokens\":100}"))
        .isEqualTo(TokenEstimator.count("user") + TokenEstimator.count("hello world"));
    assertThat(json("{}")).isZero();
  }

  @Test
  void aBodyThatIsNotJson_fallsBackToFourBytesAToken() {
    assertThat(json("not json at all")).isEqualTo(4); // 15 bytes, rounded up
    assertThat(json("{\"a\":\"hello world\",")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void bytes_roundUp() {
    assertThat(TokenEstimator.bytes(0)).isZero();
    assertThat(TokenEstimator.bytes(1)).isEqualTo(1);
    assertThat(TokenEstimator.bytes(8)).isEqualTo(2);
    assertThat(TokenEstimator.bytes(-5)).isZero();
  }
}
