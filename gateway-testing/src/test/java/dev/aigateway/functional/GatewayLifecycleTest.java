package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.testing.FakeClock;
import dev.aigateway.testing.FakeUpstream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A gateway is AutoCloseable: it releases what it may own and refuses work afterwards. */
final class GatewayLifecycleTest {
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  /** An upstream that counts how often it is closed. */
  private static final class ClosingUpstream implements Upstream, AutoCloseable {
    final Upstream delegate;
    final AtomicInteger closes = new AtomicInteger();

    ClosingUpstream(Upstream delegate) {
      this.delegate = delegate;
    }

    @Override
    public UpstreamCall newCall(UpstreamRequest request) {
      return delegate.newCall(request);
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  @SuppressWarnings("try") // closes the gateway inside its try-with-resources on purpose: close is idempotent
  void close_closesAnAutoCloseableUpstreamOnce_andRefusesLaterRequests() {
    FakeClock clock = FakeClock.create();
    ClosingUpstream upstream = new ClosingUpstream(FakeUpstream.create(clock));
    KeyStore store = KeyStore.inMemory();
    String token;
    RoutePlan plan;
    try (Gateway gateway = Gateway.builder().keyStore(store).clock(clock).upstream(upstream).build()) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-lifecycle-0123456789").build());
      token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("app").build()).token();
      plan = gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY));
      assertThat(upstream.closes).hasValue(0);
      gateway.close();
      gateway.close();
      assertThat(upstream.closes).as("closed once, however often close is called").hasValue(1);
      assertThatThrownBy(() -> gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> gateway.execute(plan)).isInstanceOf(IllegalStateException.class);
    }
    assertThat(upstream.closes).as("try-with-resources closes again: still once").hasValue(1);
    // the store is the host's: it stays usable by another gateway
    try (Gateway next = Gateway.builder().keyStore(store).clock(clock).build()) {
      assertThat(next.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, BODY)).candidates()).hasSize(1);
    }
  }
}
