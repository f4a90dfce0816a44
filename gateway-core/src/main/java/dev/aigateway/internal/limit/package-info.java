/**
 * Implementation: per-access-key limits. {@link dev.aigateway.internal.limit.KeyLimiter} admits a request
 * before its first attempt and finishes its permit once; the token estimate and the cost charged to a
 * budget each live in one small class. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.limit;

import org.jspecify.annotations.NullMarked;
