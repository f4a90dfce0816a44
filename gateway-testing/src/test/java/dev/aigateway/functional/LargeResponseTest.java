package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Headers;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Regression: a 200 MiB non-streamed answer was buffered up to 64 MiB per request, so ninety at once ran
 * the JVM out of memory and were billed as successes before failing. Now no response holds more than
 * {@code bufferedResponseBytes}: a larger one is passed through as it arrives, and billed at its end.
 */
final class LargeResponseTest {
  private static final byte[] HEAD = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"".getBytes(
      StandardCharsets.UTF_8);
  private static final byte[] TAIL = "\"}}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}".getBytes(
      StandardCharsets.UTF_8);

  /** A JSON body of {@code size} bytes, made as it is read: nothing of it is held anywhere. */
  private static final class GeneratedBody extends InputStream {
    final long size;
    final AtomicLong served = new AtomicLong();

    GeneratedBody(long size) {
      this.size = size;
    }

    private byte at(long i) {
      if (i < HEAD.length) {
        return HEAD[(int) i];
      }
      long fromEnd = size - i;
      return fromEnd <= TAIL.length ? TAIL[(int) (TAIL.length - fromEnd)] : (byte) 'a';
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(byte[] b, int off, int len) {
      long pos = served.get();
      if (pos >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - pos);
      for (int k = 0; k < n; k++) {
        b[off + k] = at(pos + k);
      }
      served.addAndGet(n);
      return n;
    }
  }

  @Test
  void aHugeAnswer_isPassedThrough_holdingNoMoreThanTheBufferedLimit_andBilledAtItsEnd() throws IOException {
    long size = 64L << 20;
    GeneratedBody body = new GeneratedBody(size);
    Upstream upstream = TestUpstreams.answering(200, Headers.of("Content-Type", "application/json"), () -> body,
        new java.util.concurrent.atomic.AtomicInteger());
    TestUpstreams.RecordingLedger ledger = new TestUpstreams.RecordingLedger();
    List<CreditLedger.Charge> billed = ledger.billed;
    try (Gateway gateway = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream).creditLedger(ledger)
          .accountSettings(TestUpstreams.enforced()).bufferedResponseBytes(64 * 1024).build()) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-large-0123456789").build());
      String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().build()).token();
      try (GatewayResponse r = gateway.handle(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token,
          "{\"model\":\"gpt-4o\"}"))) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(body.served.get()).as("read before the response was returned").isLessThanOrEqualTo(64 * 1024);
        assertThat(r.bodyBytes()).as("not held whole").isNull();
        assertThat(billed).as("nothing billed before the body ends").isEmpty();
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        InputStream in = r.body();
        while ((n = in.read(buf)) >= 0) {
          total += n;
        }
        assertThat(total).isEqualTo(size);
        assertThat(billed).singleElement().satisfies(u -> {
          assertThat(u.inputTokens()).isEqualTo(7);
          assertThat(u.outputTokens()).isEqualTo(3);
        });
      }
    }
  }
}
