package dev.aigateway;

import org.jspecify.annotations.Nullable;

/**
 * One upstream attempt a plan may make: which provider and model, from which routing step, with which
 * credential (a provider key id, or the managed credential). Holds no secret.
 *
 * @param provider provider id
 * @param model the model id sent upstream
 * @param stepIndex index of the step in the matched rule, or -1 for default routing
 * @param stepType {@code user}, {@code ngrok}, {@code managed}, or {@code default} (no rule matched)
 * @param providerKeyId the provider key, or null for the managed credential
 * @param providerKeyName that key's name, for display
 * @param coolingDownUntilNanos when a cooling key becomes fresh again ({@code Clock.nanoTime()}); 0 if fresh
 */
public record PlannedAttempt(String provider, String model, int stepIndex, String stepType,
    @Nullable String providerKeyId, @Nullable String providerKeyName, long coolingDownUntilNanos) {

  /** Whether the managed credential is used. */
  public boolean managed() {
    return providerKeyId == null;
  }

  public boolean coolingDown() {
    return coolingDownUntilNanos != 0;
  }

  /** The key that cooldowns are tracked under: the provider key id, or {@code managed:<provider>}. */
  public String credentialKey() {
    return providerKeyId != null ? providerKeyId : "managed:" + provider;
  }

  PlannedAttempt cooling(long untilNanos) {
    return new PlannedAttempt(provider, model, stepIndex, stepType, providerKeyId, providerKeyName, untilNanos);
  }
}
