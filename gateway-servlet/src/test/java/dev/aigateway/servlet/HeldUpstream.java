package dev.aigateway.servlet;

import dev.aigateway.Headers;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.spi.UpstreamResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream whose streams send an event every 100 ms until canceled or released: a provider that is
 * slow to finish. Counts calls and cancellations (closing a response counts as one).
 */
final class HeldUpstream implements Upstream {
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger canceled = new AtomicInteger();
  final CountDownLatch release = new CountDownLatch(1);

  @Override
  public UpstreamCall newCall(UpstreamRequest request) {
    return new UpstreamCall() {
      private final CountDownLatch cancel = new CountDownLatch(1);

      @Override
      public UpstreamResponse execute() {
        calls.incrementAndGet();
        return new UpstreamResponse() {
          @Override
          public int status() {
            return 200;
          }

          @Override
          public Headers headers() {
            return Headers.of("Content-Type", "text/event-stream");
          }

          @Override
          public InputStream body() {
            return new InputStream() {
              private int ticks;

              @Override
              public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (ticks > 0) {
                  try {
                    cancel.await(100, TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                  }
                }
                if (cancel.getCount() == 0) {
                  throw new IOException("Canceled");
                }
                // bounded: a test that forgets to release ends anyway after 30 s
                if (release.getCount() == 0 || ticks++ >= 300) {
                  return -1;
                }
                byte[] event = "data: tick\n\n".getBytes(StandardCharsets.UTF_8);
                System.arraycopy(event, 0, b, off, event.length);
                return event.length;
              }
            };
          }

          @Override
          public void close() {
            cancel();
          }
        };
      }

      @Override
      public void cancel() {
        if (cancel.getCount() > 0) {
          canceled.incrementAndGet();
          cancel.countDown();
        }
      }
    };
  }
}
