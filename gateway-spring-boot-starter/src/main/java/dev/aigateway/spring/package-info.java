/**
 * The gateway in a Spring Boot application: {@link dev.aigateway.spring.AiGatewayAutoConfiguration} serves
 * the {@code /v1/} surfaces and the management API from beans that the application may replace, configured
 * by {@link dev.aigateway.spring.AiGatewayProperties} ({@code aigateway.*}); with Actuator,
 * {@link dev.aigateway.spring.AiGatewayHealthIndicator} reports whether the store answers.
 */
@NullMarked
package dev.aigateway.spring;

import org.jspecify.annotations.NullMarked;
