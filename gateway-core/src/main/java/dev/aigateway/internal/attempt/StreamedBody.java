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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a served stream: the first bytes already read, then the rest as it arrives. A break
 * after the first byte becomes {@link IncompleteStreamException} on this and every later read; the end of
 * the stream records usage; closing it early cancels the provider's call.
 */
final class StreamedBody extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedBody.class);

  private final AttemptLoop loop;
  private final RequestRun run;
  private final PlannedAttempt attempt;
  private final int recordIndex;
  private final UpstreamResponse response;
  private final UpstreamCall call;
  private final byte[] head;
  private int headPos;
  private final int headLen;
  private final byte[] tail = new byte[2048]; // the usage event of a stream is its last, and short
  private int tailLen;
  private boolean ended;
  private boolean closed;
  /** Whether the request's end (completed, broken or closed early) has been recorded: once only. */
  private boolean finished;
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

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (headPos < headLen) {
      int n = Math.min(len, headLen - headPos);
      System.arraycopy(head, headPos, b, off, n);
      headPos += n;
      return n;
    }
    if (ended || closed) {
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
    if (finished) {
      return;
    }
    finished = true;
    Usage usage = Usage.scan(head, 0, headLen).merge(Usage.scan(tail, 0, tailLen));
    AttemptRecord r = run.records.get(recordIndex).toBuilder().usage(usage.input, usage.output).build();
    run.records.set(recordIndex, r);
    loop.charge(run, attempt, usage);
    run.limit.served(attempt.provider(), attempt.model(), usage);
    Transfers.closeQuietly(response);
    loop.finish(run, r.statusCode(), null);
  }

  private void fail(IOException e) {
    if (finished) {
      return;
    }
    finished = true;
    AttemptRecord r = run.records.get(recordIndex).toBuilder().completion(Completion.STREAM_FAILED).build();
    run.records.set(recordIndex, r);
    run.limit.served(attempt.provider(), attempt.model(), Usage.scan(head, 0, headLen).merge(Usage.scan(tail, 0,
        tailLen)));
    Transfers.closeQuietly(response);
    loop.finish(run, r.statusCode(), "stream_failed");
    LOG.debug("request {}: stream from {} broke: {}", run.plan.requestId(), attempt.provider(), Transfers.describe(e));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    run.limit.served(attempt.provider(), attempt.model(), Usage.NONE); // a no-op when the end settled it
    if (!ended && !finished) {
      finished = true;
      call.cancel(); // the client went away: stop the provider's work too
      Transfers.closeQuietly(response);
      loop.finish(run, run.records.get(recordIndex).statusCode(), "client_closed");
    }
  }
}
