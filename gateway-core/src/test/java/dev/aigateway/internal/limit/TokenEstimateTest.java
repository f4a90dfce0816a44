package dev.aigateway.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.config.AccessKeyLimits;
import dev.aigateway.internal.tokens.TokenEstimator;
import dev.aigateway.spi.LimitAdmission;
import dev.aigateway.spi.LimitCounters;
import dev.aigateway.spi.LimitDemand;
import dev.aigateway.spi.LimitPermit;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class TokenEstimateTest {

  /** Counts one token per character of each string value, so the expected input is easy to read. */
  private static final TokenEstimate ESTIMATE = new TokenEstimate(new TokenEstimator(String::length));

  private static long estimate(String body) {
    return ESTIMATE.of(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theTextsTokens_plusTheRequestedOutput() {
    String body = "{\"model\":\"gpt-4o\",\"max_tokens\":500,\"messages\":[]}";
    assertThat(estimate(body)).isEqualTo(6 + 500);
  }

  @Test
  void withoutAMaximum_theDefaultOutputIsReserved() {
    assertThat(estimate("{\"model\":\"gpt-4o\"}")).isEqualTo(6 + TokenEstimate.DEFAULT_OUTPUT_TOKENS);
  }

  @Test
  void aMaximumInsideAMessage_isNotTheRequestsMaximum() {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"max_tokens\":1}],\"max_output_tokens\":700}";
    assertThat(estimate(body)).isEqualTo(4 + 1 + 700);
  }

  @Test
  void notJson_countsTheRestAtFourBytesAToken() {
    assertThat(estimate("{\"model\":\"gpt\", cut")).isEqualTo(3 + (19 + 3) / 4 + TokenEstimate.DEFAULT_OUTPUT_TOKENS);
  }

  /**
   * Regression: every request of a key with {@code tokensPerMinute} had its whole body counted by the token counter
   * before admission, even when the key was over its limit. {@code o200k_base} takes about 2.5 s per million
   * characters of some text (a run of punctuation), so one body of 8 MiB (the most the parser reads) cost close to
   * 20 s of CPU. Only a bounded sample is counted exactly; the rest is counted at the sample's rate.
   */
  @Test
  void aHugeBody_isCountedExactlyOnlyUpToABoundedSample_andTheRestAtTheSamplesRate() {
    AtomicLong counted = new AtomicLong();
    TokenEstimate estimate = new TokenEstimate(new TokenEstimator(text -> {
      counted.addAndGet(text.length());
      return text.length(); // one token a character
    }));
    // seven messages of a million characters: within the parser's limits (1 Mi characters a string, 8 MiB a body)
    String message = "{\"role\":\"user\",\"content\":\"" + "!".repeat(1_000_000) + "\"}";
    byte[] body = ("{\"messages\":[" + String.join(",", java.util.Collections.nCopies(7, message))
        + "],\"max_tokens\":10}").getBytes(StandardCharsets.UTF_8);

    long tokens = estimate.of(body);

    assertThat(counted.get()).as("characters given to the counter").isLessThanOrEqualTo(TokenEstimate.EXACT_CHARS);
    assertThat(tokens).as("the sample's rate, one token a character, over all the text")
        .isEqualTo(7 * (4 + 1_000_000L) + 10);
  }

  @Test
  void aBodyWithinTheSample_isCountedExactly() {
    String text = "x".repeat(TokenEstimate.EXACT_CHARS - 10);
    assertThat(estimate("{\"role\":\"user\",\"content\":\"" + text + "\"}"))
        .isEqualTo(4 + text.length() + TokenEstimate.DEFAULT_OUTPUT_TOKENS);
  }

  @Test
  void theLargestOfSeveralMaximums_andNonNumbersAreIgnored() {
    String two = "{\"max_tokens\":10,\"max_completion_tokens\":900}";
    assertThat(estimate(two)).isEqualTo(900);
    String text = "{\"max_tokens\":\"lots\"}";
    assertThat(estimate(text)).isEqualTo(4 + TokenEstimate.DEFAULT_OUTPUT_TOKENS);
    assertThat(estimate("{\"max_tokens\":99999999999999999999}")).isGreaterThan(1_000_000_000_000L);
  }

  @Test
  void inProcessCounters_admitExactlyTheLimit_underManyThreads() throws Exception {
    LimitCounters counters = LimitCounters.inProcess();
    AccessKeyLimits limits = AccessKeyLimits.builder().requestsPerMinute(137).build();
    Instant now = Instant.parse("2026-11-22T10:00:05Z");
    AtomicInteger admitted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 100; i++) {
          LimitAdmission a = counters.admit(new LimitDemand("aigk_x", limits, 0, now));
          LimitPermit p = a.permit();
          if (p != null) {
            admitted.incrementAndGet();
            p.finish(-1, 0);
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(admitted.get()).isEqualTo(137);
  }
}
