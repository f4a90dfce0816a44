package dev.aigateway.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class TokenCounterTest {
  private final TokenCounter counter = TokenCounter.fourBytesPerToken();

  @Test
  void fourBytesPerToken_countsUtf8Bytes_roundedUp() {
    assertThat(counter.count("")).isZero();
    assertThat(counter.count("a")).isEqualTo(1);
    assertThat(counter.count("abcd")).isEqualTo(1);
    assertThat(counter.count("abcde")).isEqualTo(2);
    assertThat(counter.count("\u00e9\u00e9")).as("two 2-byte characters").isEqualTo(1);
    assertThat(counter.count("\u4e2d\u6587")).as("two 3-byte characters").isEqualTo(2);
    assertThat(counter.count("\ud83d\ude00")).as("one 4-byte character").isEqualTo(1);
  }

  @Test
  void fourBytesPerToken_agreesWithTheUtf8Encoder_onRandomText() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(40);
      for (int j = 0; j < n; j++) {
        s.appendCodePoint(switch (random.nextInt(4)) {
          case 0 -> random.nextInt(0x80);
          case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
          case 2 -> 0x800 + random.nextInt(0xd800 - 0x800);
          default -> 0x10000 + random.nextInt(0x10ffff - 0x10000);
        });
      }
      String text = s.toString();
      long bytes = text.getBytes(StandardCharsets.UTF_8).length;
      assertThat(counter.count(text)).as(text).isEqualTo((bytes + 3) / 4);
    }
  }

  @Test
  void fourBytesPerToken_namesItself() {
    assertThat(counter).hasToString("TokenCounter.fourBytesPerToken()");
  }
}
