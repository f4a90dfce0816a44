/**
 * AI Gateway for Java, the test kit: {@code FakeClock}, {@code FakeUpstream} and the {@code KeyStore}
 * conformance suite {@code KeyStoreContract} that store authors extend, and {@code LimitCountersContract}
 * for {@code LimitCounters} implementations.
 */
module dev.aigateway.testing {
  requires transitive dev.aigateway.core;
  requires static org.jspecify;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.aigateway.testing;
}
