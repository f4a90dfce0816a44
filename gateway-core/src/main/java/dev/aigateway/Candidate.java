package dev.aigateway;

import java.util.List;

/**
 * One candidate model of a plan, resolved to a provider, with its attempts in the order they will be
 * tried.
 *
 * @param requested the model string as the client wrote it (or the virtual model's target)
 * @param source where it came from: {@code model}, {@code models[0]}, {@code virtual model fast[1]}
 * @param provider the provider id
 * @param model the provider's own model id, sent upstream
 * @param resolvedBy how the provider was found: {@code pinned}, {@code catalog}, {@code allow-list},
 *     {@code family}
 * @param rule the routing rule that produced the attempts
 * @param attempts attempts in order; cooling keys last
 */
public record Candidate(String requested, String source, String provider, String model, String resolvedBy,
    RuleMatch rule, List<PlannedAttempt> attempts) {
  public Candidate {
    attempts = List.copyOf(attempts);
  }
}
