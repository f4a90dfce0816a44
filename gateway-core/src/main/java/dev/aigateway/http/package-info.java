/**
 * The gateway's HTTP surface for any host: {@link dev.aigateway.http.GatewayFront} decides what a request
 * under {@code /v1/} is and serves it, {@link dev.aigateway.http.ErrorBodies} and
 * {@link dev.aigateway.http.ReportHeaders} write errors and the {@code AIG-*} headers. The JDK server, the
 * servlet and the OkHttp interceptor use these, and so can a host's own front.
 */
@NullMarked
package dev.aigateway.http;

import org.jspecify.annotations.NullMarked;
