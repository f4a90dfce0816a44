/** AI Gateway for Java, Micrometer metrics: a {@code GatewayListener} that records meters. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // micrometer-core is an automatic module
module dev.aigateway.micrometer {
  requires transitive dev.aigateway.core;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports dev.aigateway.micrometer;
}
