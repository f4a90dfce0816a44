package dev.aigateway.routing;

import dev.aigateway.config.StepType;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt a plan may make: which provider and model, from which routing step, with which
 * credential (a provider key id, or the managed credential). Holds no secret. Immutable.
 */
public final class PlannedAttempt {
  private final String provider;
  private final String model;
  private final int stepIndex;
  private final String stepName;
  private final @Nullable String providerKeyId;
  private final @Nullable String providerKeyName;
  private final long coolingDownUntilNanos;
  private final boolean waitRequested;

  private PlannedAttempt(Builder b) {
    this(Objects.requireNonNull(b.provider, "provider"), Objects.requireNonNull(b.model, "model"), b.stepIndex,
        b.stepName, b.providerKeyId, b.providerKeyName, b.coolingDownUntilNanos, b.waitRequested);
  }

  private PlannedAttempt(String provider, String model, int stepIndex, @Nullable String stepName,
      @Nullable String providerKeyId, @Nullable String providerKeyName, long coolingDownUntilNanos,
      boolean waitRequested) {
    this.provider = provider;
    this.model = model;
    this.stepIndex = stepIndex;
    this.providerKeyId = providerKeyId;
    this.providerKeyName = providerKeyName;
    this.stepName = stepIndex < 0 ? "default" : stepName != null ? stepName
        : providerKeyId != null ? "user" : "managed";
    this.coolingDownUntilNanos = coolingDownUntilNanos;
    this.waitRequested = coolingDownUntilNanos != 0 && waitRequested;
  }

  /**
   * A fresh attempt (not cooling): of a provider key when {@code providerKeyId} is given, else of the
   * managed credential; {@code stepIndex} -1 under default routing, when {@code stepName} is ignored.
   */
  public static PlannedAttempt of(String provider, String model, int stepIndex, @Nullable String stepName,
      @Nullable String providerKeyId, @Nullable String providerKeyName) {
    if (stepIndex < -1) {
      throw new IllegalArgumentException("stepIndex must be >= -1 but was " + stepIndex);
    }
    return new PlannedAttempt(Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(model, "model"),
        stepIndex, stepName, providerKeyId, providerKeyName, 0, false);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.provider = provider;
    b.model = model;
    b.stepIndex = stepIndex;
    b.stepName = stepIndex < 0 ? null : stepName;
    b.providerKeyId = providerKeyId;
    b.providerKeyName = providerKeyName;
    b.coolingDownUntilNanos = coolingDownUntilNanos;
    b.waitRequested = waitRequested;
    return b;
  }

  /** The provider id. */
  public String provider() {
    return provider;
  }

  /** The model id sent upstream. */
  public String model() {
    return model;
  }

  /** Index of the step in the matched rule, or -1 under default routing. */
  public int stepIndex() {
    return stepIndex;
  }

  /** Whether no rule matched and the provider's default routing produced this attempt. */
  public boolean defaultRouting() {
    return stepIndex < 0;
  }

  /** {@code USER} for a provider key, {@code MANAGED} for the managed credential. */
  public StepType stepType() {
    return providerKeyId == null ? StepType.MANAGED : StepType.USER;
  }

  /**
   * The step's type as the configuration spells it ({@code user}, {@code ngrok} or {@code managed}), or
   * {@code default} under default routing. For display; decide on {@link #stepType()}.
   */
  public String stepName() {
    return stepName;
  }

  /** The provider key, or null for the managed credential. */
  public @Nullable String providerKeyId() {
    return providerKeyId;
  }

  /** That key's name, for display. */
  public @Nullable String providerKeyName() {
    return providerKeyName;
  }

  /** When a cooling key becomes fresh again ({@code Clock.nanoTime()}); 0 if fresh. */
  public long coolingDownUntilNanos() {
    return coolingDownUntilNanos;
  }

  /** Whether the managed credential is used. */
  public boolean managed() {
    return providerKeyId == null;
  }

  public KeySource keySource() {
    return providerKeyId == null ? KeySource.MANAGED : KeySource.USER;
  }

  public boolean coolingDown() {
    return coolingDownUntilNanos != 0;
  }

  /**
   * Whether the provider asked not to call this key until {@link #coolingDownUntilNanos()} (a 429 with
   * Retry-After): such an attempt is not made before then. Otherwise a cooling key is only tried last.
   */
  public boolean waitRequested() {
    return waitRequested;
  }

  /** The key that cooldowns are tracked under: the provider key id, or {@code managed:<provider>}. */
  public String credentialKey() {
    return providerKeyId != null ? providerKeyId : "managed:" + provider;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof PlannedAttempt a)) {
      return false;
    }
    return provider.equals(a.provider) && model.equals(a.model) && stepIndex == a.stepIndex
        && Objects.equals(providerKeyId, a.providerKeyId) && Objects.equals(providerKeyName, a.providerKeyName)
        && coolingDownUntilNanos == a.coolingDownUntilNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, model, stepIndex, providerKeyId);
  }

  @Override
  public String toString() {
    return "PlannedAttempt[" + provider + "/" + model + ", step=" + stepIndex + ", key="
        + (providerKeyId == null ? "managed" : providerKeyId) + (waitRequested ? ", held by Retry-After" : coolingDown() ? ", cooling" : "") + "]";
  }

  /** Builds a {@link PlannedAttempt}. */
  public static final class Builder {
    private @Nullable String provider;
    private @Nullable String model;
    private int stepIndex = -1;
    private @Nullable String stepName;
    private @Nullable String providerKeyId;
    private @Nullable String providerKeyName;
    private long coolingDownUntilNanos;
    private boolean waitRequested;

    private Builder() {}

    public Builder provider(String provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** Index of the step in the matched rule; -1 (the default) for default routing. */
    public Builder stepIndex(int stepIndex) {
      if (stepIndex < -1) {
        throw new IllegalArgumentException("stepIndex must be >= -1 but was " + stepIndex);
      }
      this.stepIndex = stepIndex;
      return this;
    }

    /** The step at {@code index}, with its type as the configuration spells it ({@code ngrok}, ...). */
    public Builder step(int index, String name) {
      stepIndex(index);
      this.stepName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** A provider key; leave unset for the managed credential. */
    public Builder providerKey(String id, @Nullable String name) {
      this.providerKeyId = Objects.requireNonNull(id, "id");
      this.providerKeyName = name;
      return this;
    }

    /** The managed credential (the default). */
    public Builder managed() {
      this.providerKeyId = null;
      this.providerKeyName = null;
      return this;
    }

    /** When a cooling key becomes fresh ({@code Clock.nanoTime()}); 0 for fresh. */
    public Builder coolingDownUntilNanos(long coolingDownUntilNanos) {
      this.coolingDownUntilNanos = coolingDownUntilNanos;
      return this;
    }

    /** Whether the provider asked for that cooldown (see {@link PlannedAttempt#waitRequested()}). */
    public Builder waitRequested(boolean waitRequested) {
      this.waitRequested = waitRequested;
      return this;
    }

    public PlannedAttempt build() {
      if (provider == null || model == null) {
        throw new IllegalStateException("provider and model are required");
      }
      return new PlannedAttempt(this);
    }
  }
}
