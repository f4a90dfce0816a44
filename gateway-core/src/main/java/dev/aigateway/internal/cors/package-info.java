/**
 * Implementation: the allowed browser origins of the {@code /v1} surfaces (CORS), checked when they are set.
 * Not a published API.
 */
@NullMarked
package dev.aigateway.internal.cors;

import org.jspecify.annotations.NullMarked;
