package dev.aigateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.ErrorCode;
import dev.aigateway.RequestRejectedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headers of a refusal by the access key's own limits, as every HTTP front writes them. */
final class ReportHeadersLimitTest {

  private static Map<String, String> headers(RequestRejectedException e) {
    Map<String, String> out = new LinkedHashMap<>();
    ReportHeaders.writeError("AIG-", "rq_1", e, List.of(), out::put);
    return out;
  }

  @Test
  void accessKeyRateLimited_carriesRetryAfterInWholeSecondsRoundedUp_andNoShouldRetryFalse() {
    Map<String, String> h = headers(new RequestRejectedException(ErrorCode.ACCESS_KEY_RATE_LIMITED, "over", "rq_1",
        List.of(), Duration.ofMillis(44_200)));
    assertThat(h).containsEntry("Retry-After", "45").containsEntry("AIG-Attempts", "0")
        .doesNotContainKey("x-should-retry");
  }

  @Test
  void budgetExceeded_hasNoRetryAfter() {
    Map<String, String> h = headers(new RequestRejectedException(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED, "spent",
        "rq_1", List.of(), null));
    assertThat(h).doesNotContainKey("Retry-After");
    assertThat(ErrorCode.ACCESS_KEY_BUDGET_EXCEEDED.status()).isEqualTo(403);
    assertThat(ErrorCode.ACCESS_KEY_RATE_LIMITED.status()).isEqualTo(429);
    assertThat(ErrorCode.ACCESS_KEY_RATE_LIMITED.code()).isEqualTo("access_key_rate_limited");
  }
}
