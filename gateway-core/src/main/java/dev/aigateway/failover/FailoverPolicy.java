package dev.aigateway.failover;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the attempt loop treats an upstream status, and how long a failed key cools down. The defaults
 * ({@link #defaults()}):
 *
 * <table>
 * <caption>default verdicts</caption>
 * <tr><th>status</th><th>verdict</th><th>cooldown</th></tr>
 * <tr><td>2xx</td><td>succeeded</td><td></td></tr>
 * <tr><td>401, 402, 403</td><td>next_key</td><td>60 s</td></tr>
 * <tr><td>429</td><td>next_key</td><td>Retry-After / retry-after-ms, else 10 s</td></tr>
 * <tr><td>3xx, 408, 5xx, 529</td><td>next_backend</td><td></td></tr>
 * <tr><td>other 4xx</td><td>fail_fast</td><td></td></tr>
 * </table>
 *
 * <p>Connection failures and timeouts before the response are always {@code next_backend}.
 * Implementations must be thread-safe and fast.
 */
public interface FailoverPolicy {

  /** The verdict for a response with this status. */
  RetryAction classify(int status);

  /**
   * How long the key that got {@code status} cools down, given the provider's Retry-After (null when
   * absent or unreadable). Zero: no cooldown.
   */
  Duration cooldown(int status, @Nullable Duration retryAfter);

  static FailoverPolicy defaults() {
    return Defaults.INSTANCE;
  }

  /** The defaults with other cooldown lengths. */
  static FailoverPolicy withCooldowns(Duration authFailure, Duration rateLimitDefault) {
    Objects.requireNonNull(authFailure, "authFailure");
    Objects.requireNonNull(rateLimitDefault, "rateLimitDefault");
    return new FailoverPolicy() {
      @Override
      public RetryAction classify(int status) {
        return Defaults.INSTANCE.classify(status);
      }

      @Override
      public Duration cooldown(int status, @Nullable Duration retryAfter) {
        if (status == 429) {
          return retryAfter != null ? retryAfter : rateLimitDefault;
        }
        return status == 401 || status == 402 || status == 403 ? authFailure : Duration.ZERO;
      }
    };
  }
}

enum Defaults implements FailoverPolicy {
  INSTANCE;

  @Override
  public RetryAction classify(int status) {
    if (status >= 200 && status < 300) {
      return RetryAction.SUCCEEDED;
    }
    if (status == 401 || status == 402 || status == 403 || status == 429) {
      return RetryAction.NEXT_KEY;
    }
    if (status == 408 || status >= 500 || (status >= 300 && status < 400) || status < 200) {
      return RetryAction.NEXT_BACKEND;
    }
    return RetryAction.FAIL_FAST;
  }

  @Override
  public Duration cooldown(int status, @Nullable Duration retryAfter) {
    if (status == 429) {
      return retryAfter != null ? retryAfter : Duration.ofSeconds(10);
    }
    return status == 401 || status == 402 || status == 403 ? Duration.ofSeconds(60) : Duration.ZERO;
  }
}
