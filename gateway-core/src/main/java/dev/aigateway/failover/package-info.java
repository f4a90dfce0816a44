/**
 * Failover: the policy that turns an upstream status into a verdict, key cooldowns shared across requests, and the records of attempts and requests.
 */
@NullMarked
package dev.aigateway.failover;

import org.jspecify.annotations.NullMarked;
