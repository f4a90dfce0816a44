package dev.aigateway.functional;

import dev.aigateway.spi.LimitCounters;
import dev.aigateway.testing.LimitCountersContract;

/** The built-in in-process counters pass the {@code LimitCounters} conformance suite. */
final class InProcessLimitCountersContractTest extends LimitCountersContract {
  @Override
  protected LimitCounters newCounters() {
    return LimitCounters.inProcess();
  }
}
