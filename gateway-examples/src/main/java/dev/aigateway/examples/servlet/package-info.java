/** Embedding the gateway in a Servlet container (Tomcat, Jetty, Undertow). */
@NullMarked
package dev.aigateway.examples.servlet;

import org.jspecify.annotations.NullMarked;
