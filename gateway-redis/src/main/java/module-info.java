/**
 * AI Gateway for Java on Redis: per-access-key limits, budgets and provider-requested key cooldowns shared
 * by every gateway instance, counted by atomic server-side scripts.
 */
@SuppressWarnings("requires-automatic") // Jedis names itself in its manifest (Automatic-Module-Name)
module dev.aigateway.redis {
  requires transitive dev.aigateway.core;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.aigateway.redis;
}
