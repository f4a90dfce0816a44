/** AI Gateway for Java on OkHttp: the {@code Upstream} transport and an application interceptor. */
module dev.aigateway.okhttp {
  requires transitive dev.aigateway.core;
  requires transitive okhttp3;
  requires static org.jspecify;
  requires org.slf4j;
  requires java.logging; // the quiet connection pool hands OkHttp's task runner its logger

  exports dev.aigateway.okhttp;
}
