/**
 * Implementation shared by the HTTP front doors: error bodies in each surface's format, report headers. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.http;

import org.jspecify.annotations.NullMarked;
