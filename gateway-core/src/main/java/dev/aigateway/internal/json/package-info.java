/**
 * Implementation: the request-body scanner and rewriter, usage extraction, and strict JSON helpers. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.json;

import org.jspecify.annotations.NullMarked;
