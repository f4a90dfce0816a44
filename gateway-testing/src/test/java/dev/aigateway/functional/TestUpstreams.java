package dev.aigateway.functional;

import dev.aigateway.Headers;
import dev.aigateway.Gateway;
import dev.aigateway.admin.Page;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CreditTransaction;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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

  /** A ledger with a large balance that keeps every charge it is told of (credits must be enforced). */
  static final class RecordingLedger implements CreditLedger {
    final List<Charge> billed = new CopyOnWriteArrayList<>();
    private final CreditLedger inner = CreditLedger.inMemory();

    RecordingLedger() {
      inner.grant(MAX_GRANT_CENTS, "tests");
    }

    @Override
    public long balanceMicroCents() {
      return inner.balanceMicroCents();
    }

    @Override
    public void charge(Charge charge) {
      billed.add(charge);
      inner.charge(charge);
    }

    @Override
    public CreditTransaction grant(long amountCents, @Nullable String description) {
      return inner.grant(amountCents, description);
    }

    @Override
    public Page<CreditTransaction> transactions(@Nullable String beforeId, int limit) {
      return inner.transactions(beforeId, limit);
    }
  }

  /** Account settings with credits enforced and the default fee. */
  static Gateway.AccountSettings enforced() {
    return Gateway.AccountSettings.defaults().withCreditsEnforced(true);
  }
}
