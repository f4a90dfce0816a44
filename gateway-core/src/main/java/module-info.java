/**
 * AI Gateway for Java, core: access keys, scopes, routing plans, the attempt loop and the SPIs. Exports
 * the API and SPI packages; {@code dev.aigateway.internal} is open only to this project's own modules.
 */
module dev.aigateway.core {
  requires transitive com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires transitive jdk.httpserver;
  requires static transitive org.jspecify;

  exports dev.aigateway;
  exports dev.aigateway.admin;
  exports dev.aigateway.catalog;
  exports dev.aigateway.config;
  exports dev.aigateway.http;
  exports dev.aigateway.resource;
  exports dev.aigateway.spi;
  exports dev.aigateway.store;
  exports dev.aigateway.testkit;
  exports dev.aigateway.internal to dev.aigateway.okhttp;
}
