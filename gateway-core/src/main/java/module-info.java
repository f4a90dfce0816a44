/**
 * AI Gateway for Java, core: access keys, scopes, routing plans, the attempt loop and the SPIs. Exports
 * the API and SPI packages; {@code dev.aigateway.internal.*} is open only to this project's own modules
 * and carries no compatibility promise.
 */
@SuppressWarnings("module") // qualified exports name sibling modules, compiled later
module dev.aigateway.core {
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports dev.aigateway;
  exports dev.aigateway.admin;
  exports dev.aigateway.catalog;
  exports dev.aigateway.config;
  exports dev.aigateway.failover;
  exports dev.aigateway.http;
  exports dev.aigateway.resource;
  exports dev.aigateway.routing;
  exports dev.aigateway.spi;
  exports dev.aigateway.store;
  exports dev.aigateway.internal.auth to dev.aigateway.httpserver, dev.aigateway.okhttp, dev.aigateway.jdbc;
  exports dev.aigateway.internal.admin.http to dev.aigateway.httpserver, dev.aigateway.servlet;
  exports dev.aigateway.internal.json to dev.aigateway.httpserver;
  exports dev.aigateway.internal.store to dev.aigateway.jdbc;
  exports dev.aigateway.internal.usage to dev.aigateway.jdbc;
  exports dev.aigateway.internal.dashboard to dev.aigateway.httpserver, dev.aigateway.servlet;
}
