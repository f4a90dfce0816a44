/** AI Gateway for Java, OpenTelemetry traces: a {@code GatewayListener} that records GenAI spans. */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // opentelemetry-api is an automatic module
module dev.aigateway.opentelemetry {
  requires transitive dev.aigateway.core;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires static org.jspecify;

  exports dev.aigateway.opentelemetry;
}
