/**
 * The gateway's HTTP surface on the JDK's built-in server ({@code com.sun.net.httpserver}): OpenAI- and
 * Anthropic-format endpoints under {@code /v1/}, and a wrapper that passes everything else to the host.
 */
@NullMarked
package dev.aigateway.httpserver;

import org.jspecify.annotations.NullMarked;
