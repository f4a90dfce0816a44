package dev.aigateway.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.spi.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

final class O200kTokenCounterTest {
  private final TokenCounter counter = O200kTokenCounter.create();

  @Test
  void countsWithTheO200kEncoding() {
    assertThat(counter.count("hello world")).isEqualTo(2);
    assertThat(counter.count("user")).isEqualTo(1);
    assertThat(counter.count("")).isZero();
  }

  @Test
  void countsDifferFromFourBytesAToken_whereTheEncodingKnowsBetter() {
    String words = "many words ".repeat(50);
    assertThat(words.getBytes(StandardCharsets.UTF_8)).hasSize(550);
    assertThat(counter.count(words)).isLessThan(TokenCounter.fourBytesPerToken().count(words));
  }

  @Test
  void neverCountsMoreTokensThanBytes() {
    for (String s : List.of("a", "\u00e9", "\u4e2d\u6587\u5b57", "\ud83d\ude00\ud83d\ude00", "{}[]()\n\t", "x".repeat(1000))) {
      assertThat(counter.count(s)).as(s).isLessThanOrEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void isThreadSafe() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> counts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        counts.add(pool.submit(() -> O200kTokenCounter.create().count("hello world")));
      }
      for (Future<Long> f : counts) {
        assertThat(f.get()).isEqualTo(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
