package dev.aigateway.spi;

import java.time.Duration;

/**
 * Provider-requested waits (a 429 with {@code Retry-After} or {@code retry-after-ms}) shared with other
 * gateway instances, so a key the provider asked to rest is not called by any of them before the wait
 * ends. Cooldowns the gateway chose itself (which only put a key last) stay in each process.
 *
 * <p>The gateway keeps its own copy ({@code KeyCooldowns}) and asks {@link #remaining} only before an
 * attempt whose key its copy holds no wait for; {@link #NONE} (the default) shares nothing.
 *
 * <p>Thread-safety: called concurrently from request threads; implementations must be thread-safe and
 * must not block longer than a short timeout. A failure to reach the shared store should answer
 * {@link Duration#ZERO} (the provider then answers 429 again) rather than throw.
 */
public interface SharedCooldowns {

  /** Records that the provider asked not to call {@code credentialKey} for {@code wait}; a longer wait stays. */
  void honour(String credentialKey, Duration wait);

  /** What remains of a wait the provider asked for on {@code credentialKey}; zero when none. */
  Duration remaining(String credentialKey);

  /** Ends the wait on {@code credentialKey} for every instance (a rotated key starts fresh); default: nothing. */
  default void clear(String credentialKey) {}

  /** Shares nothing: each process keeps its own waits. */
  SharedCooldowns NONE = new SharedCooldowns() {
    @Override
    public void honour(String credentialKey, Duration wait) {}

    @Override
    public Duration remaining(String credentialKey) {
      return Duration.ZERO;
    }

    @Override
    public String toString() {
      return "SharedCooldowns.NONE";
    }
  };
}
