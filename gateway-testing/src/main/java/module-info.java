/**
 * AI Gateway for Java, the test kit: {@code FakeClock}, {@code FakeUpstream}, and the conformance suites
 * that implementers extend: {@code KeyStoreContract} (stores), {@code CreditLedgerContract} (ledgers), {@code UsageLogContract} (usage logs) and
 * {@code LimitCountersContract} (limit counters).
 */
module dev.aigateway.testing {
  requires transitive dev.aigateway.core;
  requires static org.jspecify;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;

  exports dev.aigateway.testing;
}
