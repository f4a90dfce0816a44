/**
 * OkHttp transport for the gateway: {@link dev.aigateway.okhttp.OkHttpUpstream} carries attempts to
 * providers; {@link dev.aigateway.okhttp.GatewayInterceptor} routes an app's existing OkHttp calls to
 * providers through the gateway in-process.
 */
@NullMarked
package dev.aigateway.okhttp;

import org.jspecify.annotations.NullMarked;
