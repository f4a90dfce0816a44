package dev.aigateway.internal.attempt;

import dev.aigateway.IncompleteStreamException;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.Completion;
import dev.aigateway.internal.json.Usage;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a served stream: the first bytes already read, then the rest as it arrives. A break
 * after the first byte becomes {@link IncompleteStreamException} on this and every later read; the end of
 * the stream records usage; closing it early cancels the provider's call and charges the usage seen so far
 * (a provider bills what it generated before the cancel).
 *
 * <p>Reads come from one thread at a time; {@link #close()} may come from any thread (a client that went
 * away, a {@link dev.aigateway.Cancellation}), and the request's end is recorded exactly once.
 */
final class StreamedBody extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedBody.class);
  private static final byte[] EMPTY = new byte[0];

  private final AttemptLoop loop;
  private final RequestRun run;
  private final PlannedAttempt attempt;
  private final int recordIndex;
  private final UpstreamResponse response;
  private final UpstreamCall call;
  /** The bytes read before committing; dropped once passed on, so a long pass-through holds only the tail. */
  private byte[] head;
  private int headPos;
  private final int headLen;
  /** Usage named in the head (Anthropic's {@code message_start} names the input tokens there). */
  private final Usage headUsage;
  private final byte[] tail = new byte[2048]; // the usage event of a stream is its last, and short
  private int tailLen;
  /** Bytes read from the provider after the head: with the head, what the client received. */
  private long streamed;
  private boolean ended;
  private volatile boolean closed;
  /** Whether the request's end (completed, broken or closed early) has been recorded: once only. */
  private final AtomicBoolean finished = new AtomicBoolean();
  private @Nullable IncompleteStreamException broken;

  StreamedBody(AttemptLoop loop, RequestRun run, PlannedAttempt attempt, int recordIndex, UpstreamResponse response,
      UpstreamCall call, byte[] head, int headLen, boolean ended) {
    this.loop = loop;
    this.run = run;
    this.attempt = attempt;
    this.recordIndex = recordIndex;
    this.response = response;
    this.call = call;
    this.head = head;
    this.headLen = headLen;
    this.headUsage = Usage.scan(head, 0, headLen);
    this.ended = ended;
    run.streaming = true; // this body finishes the request's limit permit: at its end, break or close
    // the tail starts with the end of the head, so a usage object split across the two is seen whole
    int carried = Math.min(headLen, tail.length);
    System.arraycopy(head, headLen - carried, tail, 0, carried);
    this.tailLen = carried;
    if (ended) {
      complete();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  /** The bytes of the head not yet read: those a read returns without waiting for the provider. */
  @Override
  public int available() {
    return closed ? 0 : headLen - headPos;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (closed) {
      throw new IOException("stream closed"); // by its reader, or cancelled: never a clean end
    }
    if (headPos < headLen) {
      int n = Math.min(len, headLen - headPos);
      System.arraycopy(head, headPos, b, off, n);
      headPos += n;
      if (headPos == headLen) {
        head = EMPTY; // up to bufferedResponseBytes, no longer needed
      }
      return n;
    }
    if (ended) {
      return -1;
    }
    if (broken != null) {
      throw broken; // every later read fails too: a broken stream never turns into a clean end
    }
    int n;
    try {
      n = response.body().read(b, off, len);
    } catch (IOException e) {
      fail(e);
      broken = new IncompleteStreamException(run.plan.requestId(), "The provider's stream broke after "
          + "the response had started (" + Transfers.describe(e) + ").", e);
      throw broken;
    }
    if (n < 0) {
      ended = true;
      complete();
      return -1;
    }
    remember(b, off, n);
    streamed += n;
    return n;
  }

  private void remember(byte[] b, int off, int n) {
    if (n >= tail.length) {
      System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
      tailLen = tail.length;
    } else {
      int keep = Math.min(tailLen, tail.length - n);
      System.arraycopy(tail, tailLen - keep, tail, 0, keep);
      System.arraycopy(b, off, tail, keep, n);
      tailLen = keep + n;
    }
  }

  private void complete() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    Usage usage = headUsage.merge(Usage.scan(tail, 0, tailLen));
    AttemptRecord r = run.records.get(recordIndex).toBuilder().usage(usage.input, usage.output)
        .usageDetails(usage.cacheRead, usage.reasoning, usage.stopReason).build();
    run.records.set(recordIndex, r);
    loop.charge(run, attempt, usage, null, headLen + streamed);
    run.limit.served(attempt.provider(), attempt.model(), usage);
    Transfers.closeQuietly(response);
    loop.finish(run, r.statusCode(), null);
  }

  private void fail(IOException e) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    AttemptRecord r = run.records.get(recordIndex).toBuilder().completion(Completion.STREAM_FAILED).build();
    run.records.set(recordIndex, r);
    Usage usage = headUsage.merge(Usage.scan(tail, 0, Math.min(tailLen, tail.length)));
    run.limit.served(attempt.provider(), attempt.model(), usage);
    Transfers.closeQuietly(response);
    loop.chargeCut(run, attempt, usage, headLen + streamed); // what was served is paid for
    loop.finish(run, r.statusCode(), "stream_failed");
    LOG.debug("request {}: stream from {} broke: {}", run.plan.requestId(), attempt.provider(), Transfers.describe(e));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!ended && finished.compareAndSet(false, true)) {
      call.cancel(); // the client went away: stop the provider's work too
      Transfers.closeQuietly(response);
      // what arrived may name usage already (Anthropic's message_start carries the input tokens)
      Usage usage = headUsage.merge(Usage.scan(tail, 0, Math.min(tailLen, tail.length)));
      AttemptRecord r = run.records.get(recordIndex).toBuilder().usage(usage.input, usage.output)
        .usageDetails(usage.cacheRead, usage.reasoning, usage.stopReason).build();
      run.records.set(recordIndex, r);
      run.limit.served(attempt.provider(), attempt.model(), usage);
      loop.chargeCut(run, attempt, usage, headLen + streamed); // what was served is paid for
      loop.finish(run, r.statusCode(), "client_closed");
    }
    run.limit.served(attempt.provider(), attempt.model(), Usage.NONE); // a no-op when the end settled it
  }
}
