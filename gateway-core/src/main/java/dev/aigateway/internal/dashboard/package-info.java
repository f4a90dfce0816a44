/**
 * The operator dashboard without a server: its static files (HTML, one ES module, CSS) read from the class
 * path and answered with their content type, cache headers and a strict Content-Security-Policy, for every
 * HTTP adapter (the JDK server, servlets) to serve the same bytes. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.dashboard;

import org.jspecify.annotations.NullMarked;
