/**
 * Micrometer metrics for the gateway: {@link dev.aigateway.micrometer.MicrometerGatewayListener} records
 * the timer {@code aigateway.requests}, the counters {@code aigateway.attempts} and {@code aigateway.tokens}
 * and the gauge {@code aigateway.cooldowns.active}.
 */
@NullMarked
package dev.aigateway.micrometer;

import org.jspecify.annotations.NullMarked;
