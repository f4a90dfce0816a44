package dev.aigateway.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A configuration's {@code limits}, applied to every access key linked to it and counted per access key:
 * requests and tokens per minute, requests in flight, and a budget. A limit that is null does not apply.
 * Immutable; {@link #toBuilder()} for changes.
 */
public final class AccessKeyLimits {
  private static final AccessKeyLimits NONE = new Builder().build();

  private final @Nullable Integer requestsPerMinute;
  private final @Nullable Long tokensPerMinute;
  private final @Nullable Integer concurrentRequests;
  private final @Nullable Budget budget;

  private AccessKeyLimits(Builder b) {
    this.requestsPerMinute = b.requestsPerMinute;
    this.tokensPerMinute = b.tokensPerMinute;
    this.concurrentRequests = b.concurrentRequests;
    this.budget = b.budget;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No limit at all. */
  public static AccessKeyLimits none() {
    return NONE;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.requestsPerMinute = requestsPerMinute;
    b.tokensPerMinute = tokensPerMinute;
    b.concurrentRequests = concurrentRequests;
    b.budget = budget;
    return b;
  }

  /** Requests admitted per calendar minute (UTC), or null for no limit. */
  public @Nullable Integer requestsPerMinute() {
    return requestsPerMinute;
  }

  /** Request plus response tokens per calendar minute, or null for no limit. */
  public @Nullable Long tokensPerMinute() {
    return tokensPerMinute;
  }

  /** Requests in flight at once, or null for no limit. */
  public @Nullable Integer concurrentRequests() {
    return concurrentRequests;
  }

  /** The budget, or null for none. */
  public @Nullable Budget budget() {
    return budget;
  }

  /** Whether no limit applies. */
  public boolean isEmpty() {
    return requestsPerMinute == null && tokensPerMinute == null && concurrentRequests == null && budget == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessKeyLimits l && Objects.equals(requestsPerMinute, l.requestsPerMinute)
        && Objects.equals(tokensPerMinute, l.tokensPerMinute)
        && Objects.equals(concurrentRequests, l.concurrentRequests) && Objects.equals(budget, l.budget);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestsPerMinute, tokensPerMinute, concurrentRequests, budget);
  }

  @Override
  public String toString() {
    return "AccessKeyLimits[requestsPerMinute=" + requestsPerMinute + ", tokensPerMinute=" + tokensPerMinute
        + ", concurrentRequests=" + concurrentRequests + ", budget=" + budget + "]";
  }

  /** Builder; {@link #build()} copies. Each setter refuses a value that is not positive. */
  public static final class Builder {
    private @Nullable Integer requestsPerMinute;
    private @Nullable Long tokensPerMinute;
    private @Nullable Integer concurrentRequests;
    private @Nullable Budget budget;

    private Builder() {}

    public Builder requestsPerMinute(@Nullable Integer requestsPerMinute) {
      if (requestsPerMinute != null && requestsPerMinute <= 0) {
        throw new IllegalArgumentException("requestsPerMinute must be > 0 but was " + requestsPerMinute);
      }
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    public Builder tokensPerMinute(long tokensPerMinute) {
      return tokensPerMinute(Long.valueOf(tokensPerMinute));
    }

    public Builder tokensPerMinute(@Nullable Long tokensPerMinute) {
      if (tokensPerMinute != null && tokensPerMinute <= 0) {
        throw new IllegalArgumentException("tokensPerMinute must be > 0 but was " + tokensPerMinute);
      }
      this.tokensPerMinute = tokensPerMinute;
      return this;
    }

    public Builder concurrentRequests(@Nullable Integer concurrentRequests) {
      if (concurrentRequests != null && concurrentRequests <= 0) {
        throw new IllegalArgumentException("concurrentRequests must be > 0 but was " + concurrentRequests);
      }
      this.concurrentRequests = concurrentRequests;
      return this;
    }

    public Builder budget(@Nullable Budget budget) {
      this.budget = budget;
      return this;
    }

    public AccessKeyLimits build() {
      return new AccessKeyLimits(this);
    }
  }
}
