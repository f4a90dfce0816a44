/**
 * AI Gateway for Java, the test kit: {@code FakeClock}, {@code FakeUpstream}, and the conformance suites
 * that store authors extend: {@code KeyStoreContract} and {@code CreditLedgerContract}.
 */
module dev.aigateway.testing {
  requires transitive dev.aigateway.core;
  requires static org.jspecify;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.aigateway.testing;
}
