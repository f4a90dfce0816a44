/**
 * Implementation of the management API. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.admin;

import org.jspecify.annotations.NullMarked;
