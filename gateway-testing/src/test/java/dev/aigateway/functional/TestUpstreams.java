package dev.aigateway.functional;

import dev.aigateway.Headers;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Upstreams and a ledger for tests that need more than {@code FakeUpstream} scripts: exact bodies and closes. */
final class TestUpstreams {
  private TestUpstreams() {}

  /** Answers every call with {@code status}, {@code headers} and a body from {@code body}; counts closes. */
  static Upstream answering(int status, Headers headers, Supplier<InputStream> body, AtomicInteger closes) {
    return request -> new UpstreamCall() {
      @Override
      public UpstreamResponse execute() {
        InputStream in = body.get();
        return new UpstreamResponse() {
          @Override
          public int status() {
            return status;
          }

          @Override
          public Headers headers() {
            return headers;
          }

          @Override
          public InputStream body() {
            return in;
          }

          @Override
          public void close() {
            closes.incrementAndGet();
          }
        };
      }

      @Override
      public void cancel() {}
    };
  }

  /** A ledger with no limit that keeps every usage it is told of. */
  static final class RecordingLedger implements CreditLedger {
    final List<Usage> billed = new CopyOnWriteArrayList<>();

    @Override
    public long balance(String accessKeyId) {
      return Long.MAX_VALUE;
    }

    @Override
    public void record(Usage usage) {
      billed.add(usage);
    }
  }
}
