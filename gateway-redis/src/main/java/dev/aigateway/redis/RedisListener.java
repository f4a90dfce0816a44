package dev.aigateway.redis;

/**
 * Told when Redis cannot be reached and when it answers again, for metrics and alerts. Methods are no-ops;
 * override the ones you need. One that throws is logged and ignored.
 *
 * <p>Thread-safety: called from request threads and the lease renewer, concurrently.
 */
public abstract class RedisListener {
  /** Does nothing. */
  public static final RedisListener NONE = new RedisListener() {};

  protected RedisListener() {}

  /**
   * A Redis call failed or timed out. {@code operation} is {@code admit}, {@code finish}, {@code renew},
   * {@code cooldown.honour} or {@code cooldown.remaining}; {@code policy} is what was done for an
   * {@code admit}.
   */
  public void outage(String operation, OutagePolicy policy, Exception cause) {}

  /** Redis answered again after an outage. */
  public void recovered() {}
}
