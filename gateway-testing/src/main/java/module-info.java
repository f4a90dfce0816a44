/**
 * AI Gateway for Java, the test kit: {@code FakeClock}, {@code FakeUpstream}, {@code CreditLedgerContract} and the {@code KeyStore}
 * conformance suite {@code KeyStoreContract} that store authors extend.
 */
module dev.aigateway.testing {
  requires transitive dev.aigateway.core;
  requires static org.jspecify;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.aigateway.testing;
}
