/**
 * Implementation: access tokens, their digests, authentication with a cache, and resource ids. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.auth;

import org.jspecify.annotations.NullMarked;
