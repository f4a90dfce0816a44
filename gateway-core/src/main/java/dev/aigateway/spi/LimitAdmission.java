package dev.aigateway.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The answer of {@link LimitCounters#admit}: a permit, or the limit that refused and when to retry. */
public final class LimitAdmission {
  /** Which limit refused a request. */
  public enum Refusal {
    REQUESTS_PER_MINUTE("requestsPerMinute"),
    TOKENS_PER_MINUTE("tokensPerMinute"),
    CONCURRENT_REQUESTS("concurrentRequests"),
    BUDGET("budget"),
    /** The counters cannot be reached and their policy is to refuse (fail closed). */
    UNAVAILABLE("counters");

    private final String field;

    Refusal(String field) {
      this.field = field;
    }

    /** The {@code limits} field that refused ({@code requestsPerMinute}, ...). */
    public String field() {
      return field;
    }
  }

  private final @Nullable LimitPermit permit;
  private final @Nullable Refusal refusal;
  private final Duration retryAfter;

  private LimitAdmission(@Nullable LimitPermit permit, @Nullable Refusal refusal, Duration retryAfter) {
    this.permit = permit;
    this.refusal = refusal;
    this.retryAfter = retryAfter;
  }

  /** Admitted; {@code permit} is finished when the request is over. */
  public static LimitAdmission admitted(LimitPermit permit) {
    return new LimitAdmission(Objects.requireNonNull(permit, "permit"), null, Duration.ZERO);
  }

  /** Refused by {@code refusal}; {@code retryAfter} is when a retry may pass (ignored for a budget). */
  public static LimitAdmission refused(Refusal refusal, Duration retryAfter) {
    Objects.requireNonNull(refusal, "refusal");
    Objects.requireNonNull(retryAfter, "retryAfter");
    return new LimitAdmission(null, refusal, retryAfter.isNegative() ? Duration.ZERO : retryAfter);
  }

  public boolean isAdmitted() {
    return permit != null;
  }

  /** The permit when admitted, else null. */
  public @Nullable LimitPermit permit() {
    return permit;
  }

  /** The limit that refused, or null when admitted. */
  public @Nullable Refusal refusal() {
    return refusal;
  }

  /** How long until a retry may pass; zero when admitted. */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public String toString() {
    return permit != null ? "LimitAdmission[admitted]" : "LimitAdmission[refused " + refusal + ", retryAfter="
        + retryAfter + "]";
  }
}
