/**
 * The gateway in a Servlet container: {@link dev.aigateway.servlet.GatewayServlet} (the {@code /v1/}
 * surfaces, async, streaming), {@link dev.aigateway.servlet.AdminServlet} (the management API) and
 * {@link dev.aigateway.servlet.GatewayFilter} (the gateway in front of the host's own servlets).
 */
@NullMarked
package dev.aigateway.servlet;

import org.jspecify.annotations.NullMarked;
