package dev.aigateway.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Cancellation;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayRequest;
import dev.aigateway.GatewayResponse;
import dev.aigateway.Headers;
import dev.aigateway.RequestCanceledException;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.GatewayListener;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.spi.UpstreamResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A host stops a request it no longer needs: the upstream call, failover and a returned stream all stop. */
final class CancellationTest {
  private static final String GPT = "{\"model\":\"gpt-4o\",\"messages\":[]}";
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<RequestRecord> completed = new CopyOnWriteArrayList<>();
  private final List<CreditLedger.Charge> charged = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** An upstream whose calls block until cancelled, or answer a stream that blocks after its first event. */
  private static final class BlockingUpstream implements Upstream {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final CountDownLatch started = new CountDownLatch(1);
    volatile String firstEvent; // null: block before headers

    @Override
    public UpstreamCall newCall(UpstreamRequest request) {
      CountDownLatch cancelled = new CountDownLatch(1);
      return new UpstreamCall() {
        @Override
        public UpstreamResponse execute() throws IOException {
          calls.incrementAndGet();
          started.countDown();
          if (firstEvent == null) {
            await(cancelled);
            throw new IOException("Canceled");
          }
          InputStream body = new InputStream() {
            private final InputStream head = new ByteArrayInputStream(firstEvent.getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
              throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = head.read(b, off, len);
              if (n > 0) {
                return n;
              }
              await(cancelled); // the provider is still generating
              throw new IOException("Canceled");
            }
          };
          return new UpstreamResponse() {
            @Override
            public int status() {
              return 200;
            }

            @Override
            public Headers headers() {
              return Headers.builder().add("Content-Type", "text/event-stream").build();
            }

            @Override
            public InputStream body() {
              return body;
            }

            @Override
            public void close() {}
          };
        }

        @Override
        public void cancel() {
          cancels.incrementAndGet();
          cancelled.countDown();
        }
      };
    }

    private static void await(CountDownLatch latch) throws IOException {
      try {
        if (!latch.await(20, TimeUnit.SECONDS)) {
          throw new IOException("never cancelled");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private Gateway gateway(Upstream upstream) {
    CreditLedger ledger = CreditLedger.inMemory();
    ledger.grant(1_000, "test credits");
    Gateway g = Gateway.builder().keyStore(KeyStore.inMemory()).upstream(upstream)
        .accountSettings(Gateway.AccountSettings.defaults().withCreditsEnforced(true))
        .creditLedger(new CreditLedger() {
          @Override
          public long balanceMicroCents() {
            return ledger.balanceMicroCents();
          }

          @Override
          public void charge(Charge charge) {
            charged.add(charge);
            ledger.charge(charge);
          }

          @Override
          public dev.aigateway.spi.CreditTransaction grant(long amountCents, String description) {
            return ledger.grant(amountCents, description);
          }

          @Override
          public dev.aigateway.admin.Page<dev.aigateway.spi.CreditTransaction> transactions(String beforeId,
              int limit) {
            return ledger.transactions(beforeId, limit);
          }
        })
        .listener(new GatewayListener() {
          @Override
          public void completed(RequestRecord request) {
            completed.add(request);
          }
        }).build();
    for (String name : List.of("primary", "backup")) {
      g.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name(name)
          .value("sk-cancel-" + name + "-0123456789").build());
    }
    return g;
  }

  private static String token(Gateway g) {
    return g.admin().accessKeys().create(AccessKeyChange.builder().name("c").build()).token();
  }

  private static GatewayRequest request(String token, String body, Cancellation c) {
    return GatewayRequest.builder().surface(Surface.CHAT_COMPLETIONS).header("Authorization", "Bearer " + token)
        .body(body).cancellation(c).build();
  }

  @Test
  void cancelledBeforeExecute_callsNoProvider() {
    BlockingUpstream upstream = new BlockingUpstream();
    try (Gateway g = gateway(upstream)) {
      Cancellation c = Cancellation.create();
      c.cancel();
      assertThatThrownBy(() -> g.handle(request(token(g), GPT, c))).isInstanceOf(RequestCanceledException.class);
      assertThat(upstream.calls.get()).isZero();
      assertThat(completed).singleElement().satisfies(r -> {
        assertThat(r.status()).isEqualTo(499);
        assertThat(r.errorCode()).isEqualTo("client_closed");
      });
    }
  }

  /** Regression: a host whose client went away could not stop the gateway; it failed over to every key. */
  @Test
  void cancelDuringAnAttempt_cancelsTheCall_andStopsFailover() throws Exception {
    BlockingUpstream upstream = new BlockingUpstream();
    try (Gateway g = gateway(upstream)) {
      Cancellation c = Cancellation.create();
      String token = token(g);
      Future<GatewayResponse> running = threads.submit(() -> g.handle(request(token, GPT, c)));
      assertThat(upstream.started.await(5, TimeUnit.SECONDS)).isTrue();
      c.cancel();
      assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(RequestCanceledException.class);
      assertThat(upstream.cancels.get()).isEqualTo(1);
      assertThat(upstream.calls.get()).as("the backup key was not tried for a client that left").isEqualTo(1);
      assertThat(completed).singleElement().satisfies(r -> assertThat(r.errorCode()).isEqualTo("client_closed"));
    }
  }

  /** Regression: closing a stream from another thread could record its end twice, or end it cleanly. */
  @Test
  void cancelDuringAStream_endsTheReadWithAnError_once_andChargesWhatWasSeen() throws Exception {
    BlockingUpstream upstream = new BlockingUpstream();
    upstream.firstEvent = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
        + "{\"input_tokens\":25,\"output_tokens\":1}}}\n\n";
    try (Gateway g = gateway(upstream)) {
      Cancellation c = Cancellation.create();
      GatewayResponse r = g.handle(request(token(g), "{\"model\":\"gpt-4o\",\"stream\":true}", c));
      InputStream in = r.body();
      byte[] buf = new byte[4096];
      assertThat(in.read(buf)).isPositive(); // the first event
      Future<Integer> reading = threads.submit(() -> in.read(buf)); // blocks: the provider is generating
      Thread.sleep(100);
      c.cancel();
      assertThatThrownBy(() -> reading.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
      assertThatThrownBy(() -> in.read(buf)).as("never a clean end after a cancel").isInstanceOf(IOException.class);
      r.close();
      assertThat(upstream.cancels.get()).isPositive();
      assertThat(completed).as("recorded once").singleElement()
          .satisfies(rec -> assertThat(rec.errorCode()).isEqualTo("client_closed"));
      assertThat(completed.get(0).attempts().get(0).inputTokens()).as("usage seen before the cancel").isEqualTo(25);
      assertThat(charged).singleElement().satisfies(u -> {
        assertThat(u.inputTokens()).isEqualTo(25);
        assertThat(u.outputTokens()).as("estimated from what was served").isPositive();
      });
    }
  }
}
