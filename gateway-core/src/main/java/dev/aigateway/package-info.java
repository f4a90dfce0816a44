/**
 * The gateway: {@link dev.aigateway.Gateway}, requests, route plans and errors.
 */
@NullMarked
package dev.aigateway;

import org.jspecify.annotations.NullMarked;
