/**
 * OpenTelemetry traces for the gateway: {@link dev.aigateway.opentelemetry.OpenTelemetryGatewayListener}
 * records a span per request and a child span per upstream attempt, following the GenAI semantic
 * conventions ({@code gen_ai.*} attributes).
 */
@NullMarked
package dev.aigateway.opentelemetry;

import org.jspecify.annotations.NullMarked;
