/**
 * AI Gateway for Java on any Jakarta Servlet 6 container (Tomcat 10.1+, Jetty 12 ee10+, Undertow): the
 * gateway surface as an async servlet, the management API, and a filter that passes everything outside
 * {@code /v1/} to the host's chain.
 */
module dev.aigateway.servlet {
  requires transitive dev.aigateway.core;
  requires transitive jakarta.servlet;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.aigateway.servlet;
}
