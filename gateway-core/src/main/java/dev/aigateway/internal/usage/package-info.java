/**
 * Usage events: what a finished request's attempts become ({@link dev.aigateway.internal.usage.UsageRecorder}),
 * their order and cursor ({@link dev.aigateway.internal.usage.UsageKey}), the daily sums of the overview
 * ({@link dev.aigateway.internal.usage.OverviewSums}), their line format on disk
 * ({@link dev.aigateway.internal.usage.UsageEventCodec}) and the in-memory log. No compatibility promise.
 */
@NullMarked
package dev.aigateway.internal.usage;

import org.jspecify.annotations.NullMarked;
