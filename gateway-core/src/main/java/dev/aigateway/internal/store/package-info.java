/**
 * Implementation: the in-memory store, the data directory's codec, append log and sealed secrets. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.store;

import org.jspecify.annotations.NullMarked;
