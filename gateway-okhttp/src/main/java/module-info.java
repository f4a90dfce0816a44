/** AI Gateway for Java on OkHttp: the {@code Upstream} transport and an application interceptor. */
module dev.aigateway.okhttp {
  requires transitive dev.aigateway.core;
  requires transitive okhttp3;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.aigateway.okhttp;
}
