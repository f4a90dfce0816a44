/**
 * Implementation: the attempt loop and what it needs beside it (headers forwarded, upstream requests, streamed bodies, the exhaustion report, Retry-After). Not a published API.
 */
@NullMarked
package dev.aigateway.internal.attempt;

import org.jspecify.annotations.NullMarked;
