/**
 * Implementation details. Not a published API: it may change in any release.
 */
@NullMarked
package dev.aigateway.internal;

import org.jspecify.annotations.NullMarked;
