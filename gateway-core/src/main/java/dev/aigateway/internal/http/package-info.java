/**
 * Forwarders to {@link dev.aigateway.http} for the modules that import the former internal names. Not a
 * published API.
 */
@NullMarked
package dev.aigateway.internal.http;

import org.jspecify.annotations.NullMarked;
