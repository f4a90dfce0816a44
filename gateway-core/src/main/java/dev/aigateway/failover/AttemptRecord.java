package dev.aigateway.failover;

import dev.aigateway.routing.KeySource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt as it happened. Holds ids and numbers, never a secret. Immutable; {@link
 * #toBuilder()} makes a changed copy.
 */
public final class AttemptRecord {
  private final int attemptNumber;
  private final String provider;
  private final String model;
  private final @Nullable String providerKeyId;
  private final KeySource keySource;
  private final int statusCode;
  private final RetryAction retryAction;
  private final Completion completion;
  private final long durationMillis;
  private final boolean timedOut;
  private final boolean streaming;
  private final long inputTokens;
  private final long outputTokens;
  private final long cacheReadTokens;
  private final long reasoningTokens;
  private final @Nullable String stopReason;
  private final @Nullable String error;

  private AttemptRecord(Builder b) {
    this.attemptNumber = b.attemptNumber;
    this.provider = Objects.requireNonNull(b.provider, "provider");
    this.model = Objects.requireNonNull(b.model, "model");
    this.providerKeyId = b.providerKeyId;
    this.keySource = b.keySource;
    this.statusCode = b.statusCode;
    this.retryAction = b.retryAction;
    this.completion = b.completion;
    this.durationMillis = b.durationMillis;
    this.timedOut = b.timedOut;
    this.streaming = b.streaming;
    this.inputTokens = b.inputTokens;
    this.outputTokens = b.outputTokens;
    this.cacheReadTokens = b.cacheReadTokens;
    this.reasoningTokens = b.reasoningTokens;
    this.stopReason = b.stopReason;
    this.error = b.error;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.attemptNumber = attemptNumber;
    b.provider = provider;
    b.model = model;
    b.providerKeyId = providerKeyId;
    b.keySource = keySource;
    b.statusCode = statusCode;
    b.retryAction = retryAction;
    b.completion = completion;
    b.durationMillis = durationMillis;
    b.timedOut = timedOut;
    b.streaming = streaming;
    b.inputTokens = inputTokens;
    b.outputTokens = outputTokens;
    b.cacheReadTokens = cacheReadTokens;
    b.reasoningTokens = reasoningTokens;
    b.stopReason = stopReason;
    b.error = error;
    return b;
  }

  /** 1-based. */
  public int attemptNumber() {
    return attemptNumber;
  }

  /** The provider id. */
  public String provider() {
    return provider;
  }

  /** The model id sent upstream. */
  public String model() {
    return model;
  }

  /** The key used, or null for the managed credential. */
  public @Nullable String providerKeyId() {
    return providerKeyId;
  }

  public KeySource keySource() {
    return keySource;
  }

  /** The upstream status, or 0 when no response arrived. */
  public int statusCode() {
    return statusCode;
  }

  /** What the gateway did next. */
  public RetryAction retryAction() {
    return retryAction;
  }

  public Completion completion() {
    return completion;
  }

  /** From sending to the verdict (for a served stream: to the first byte). */
  public long durationMillis() {
    return durationMillis;
  }

  /** Whether the attempt's timeout passed. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Whether the response was a stream. */
  public boolean streaming() {
    return streaming;
  }

  /** Prompt tokens reported by the provider, or 0. */
  public long inputTokens() {
    return inputTokens;
  }

  /** Completion tokens reported by the provider, or 0. */
  public long outputTokens() {
    return outputTokens;
  }

  /** Prompt tokens the provider reported as read from its cache ({@code cached_tokens}, Anthropic's
   * {@code cache_read_input_tokens}), or 0. */
  public long cacheReadTokens() {
    return cacheReadTokens;
  }

  /** Reasoning tokens the provider reported ({@code reasoning_tokens}), or 0. */
  public long reasoningTokens() {
    return reasoningTokens;
  }

  /** Why the provider stopped ({@code finish_reason} or {@code stop_reason}, e.g. {@code stop},
   * {@code end_turn}, {@code length}), or null when it named none. */
  public @Nullable String stopReason() {
    return stopReason;
  }

  /** A short description of a transport failure (no secret), or null. */
  public @Nullable String error() {
    return error;
  }

  /** The key cooldowns are tracked under: the provider key id, or {@code managed:<provider>}. */
  public String credentialKey() {
    return providerKeyId != null ? providerKeyId : "managed:" + provider;
  }

  /** Whether this attempt served the response. */
  public boolean served() {
    return retryAction == RetryAction.SUCCEEDED || retryAction == RetryAction.FAIL_FAST;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof AttemptRecord r)) {
      return false;
    }
    return attemptNumber == r.attemptNumber && provider.equals(r.provider) && model.equals(r.model)
        && Objects.equals(providerKeyId, r.providerKeyId) && keySource == r.keySource && statusCode == r.statusCode
        && retryAction == r.retryAction && completion == r.completion && durationMillis == r.durationMillis
        && timedOut == r.timedOut && streaming == r.streaming && inputTokens == r.inputTokens
        && outputTokens == r.outputTokens && cacheReadTokens == r.cacheReadTokens
        && reasoningTokens == r.reasoningTokens && Objects.equals(stopReason, r.stopReason)
        && Objects.equals(error, r.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attemptNumber, provider, model, providerKeyId, statusCode, retryAction, completion);
  }

  @Override
  public String toString() {
    return "AttemptRecord[#" + attemptNumber + " " + provider + "/" + model + ", key="
        + (providerKeyId == null ? "managed" : providerKeyId) + ", status=" + statusCode + ", "
        + retryAction.json() + ", " + completion.json() + ", " + durationMillis + " ms"
        + (error == null ? "" : ", error=" + error) + "]";
  }

  /** Builds an {@link AttemptRecord}. */
  public static final class Builder {
    private int attemptNumber = 1;
    private @Nullable String provider;
    private @Nullable String model;
    private @Nullable String providerKeyId;
    private KeySource keySource = KeySource.USER;
    private int statusCode;
    private RetryAction retryAction = RetryAction.SUCCEEDED;
    private Completion completion = Completion.SUCCEEDED;
    private long durationMillis;
    private boolean timedOut;
    private boolean streaming;
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long reasoningTokens;
    private @Nullable String stopReason;
    private @Nullable String error;

    private Builder() {}

    public Builder attemptNumber(int attemptNumber) {
      if (attemptNumber < 1) {
        throw new IllegalArgumentException("attemptNumber must be >= 1 but was " + attemptNumber);
      }
      this.attemptNumber = attemptNumber;
      return this;
    }

    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** The provider key, or null for the managed credential (which also sets the key source). */
    public Builder providerKeyId(@Nullable String providerKeyId) {
      this.providerKeyId = providerKeyId;
      this.keySource = providerKeyId == null ? KeySource.MANAGED : KeySource.USER;
      return this;
    }

    public Builder statusCode(int statusCode) {
      this.statusCode = statusCode;
      return this;
    }

    public Builder retryAction(RetryAction retryAction) {
      this.retryAction = Objects.requireNonNull(retryAction, "retryAction");
      return this;
    }

    public Builder completion(Completion completion) {
      this.completion = Objects.requireNonNull(completion, "completion");
      return this;
    }

    public Builder durationMillis(long durationMillis) {
      this.durationMillis = durationMillis;
      return this;
    }

    public Builder timedOut(boolean timedOut) {
      this.timedOut = timedOut;
      return this;
    }

    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    public Builder usage(long inputTokens, long outputTokens) {
      this.inputTokens = inputTokens;
      this.outputTokens = outputTokens;
      return this;
    }

    /** The usage details beyond the token counts: cache reads, reasoning tokens and the stop reason. */
    public Builder usageDetails(long cacheReadTokens, long reasoningTokens, @Nullable String stopReason) {
      this.cacheReadTokens = cacheReadTokens;
      this.reasoningTokens = reasoningTokens;
      this.stopReason = stopReason;
      return this;
    }

    public Builder error(@Nullable String error) {
      this.error = error;
      return this;
    }

    public AttemptRecord build() {
      if (provider == null || model == null) {
        throw new IllegalStateException("provider and model are required");
      }
      return new AttemptRecord(this);
    }
  }
}
