/**
 * Implementation: token estimates where a provider reports no usage. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.tokens;

import org.jspecify.annotations.NullMarked;
