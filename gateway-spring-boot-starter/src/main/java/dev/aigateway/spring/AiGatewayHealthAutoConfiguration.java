package dev.aigateway.spring;

import dev.aigateway.Gateway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The Actuator health indicator {@code aigateway} ({@link AiGatewayHealthIndicator}), when Spring Boot's
 * health support is on the class path and the gateway is configured; {@code management.health.aigateway.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = AiGatewayAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Gateway.class)
@ConditionalOnEnabledHealthIndicator("aigateway")
public class AiGatewayHealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "aigatewayHealthIndicator")
  public AiGatewayHealthIndicator aigatewayHealthIndicator(Gateway gateway) {
    return new AiGatewayHealthIndicator(gateway);
  }
}
