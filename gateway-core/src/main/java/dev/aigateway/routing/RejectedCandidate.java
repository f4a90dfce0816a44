package dev.aigateway.routing;

import dev.aigateway.ErrorCode;

/**
 * A candidate model that will not be tried, and why.
 *
 * @param requested the model string as the client wrote it
 * @param source where it came from: {@code model}, {@code models[1]}, {@code virtual model fast[0]}
 * @param code why: {@code model_not_allowed}, {@code provider_not_allowed}, {@code model_not_found}, ...
 * @param reason a sentence for people
 */
public record RejectedCandidate(String requested, String source, ErrorCode code, String reason) {}
