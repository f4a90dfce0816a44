/**
 * AI Gateway for Java on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}): the gateway
 * surface and the management API, with no dependency beyond the JDK. The zero-dependency embedding.
 */
module dev.aigateway.httpserver {
  requires transitive dev.aigateway.core;
  requires transitive jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.aigateway.httpserver;
}
