package dev.aigateway.testing;

import dev.aigateway.Headers;

import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.spi.UpstreamTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted {@link Upstream} for offline failover tests: answers per credential (429 on key 1, 200 on
 * key 2), with delays on a {@link FakeClock}, SSE chunks and disconnects. Records every request it gets.
 * Thread-safe.
 *
 * <pre>{@code
 * FakeClock clock = FakeClock.create();
 * FakeUpstream upstream = FakeUpstream.create(clock);
 * upstream.forKey("sk-primary").respond(FakeUpstream.reply(429).header("retry-after", "5"));
 * upstream.forKey("sk-backup").respond(FakeUpstream.json(200, "{\"choices\":[]}"));
 * Gateway gateway = Gateway.builder().clock(clock).upstream(upstream).build();
 * }</pre>
 */
public final class FakeUpstream implements Upstream {
  private final FakeClock clock;
  private final Map<String, Script> scripts = new LinkedHashMap<>();
  private final Script fallback = new Script();
  private final List<UpstreamRequest> requests = new CopyOnWriteArrayList<>();

  private FakeUpstream(FakeClock clock) {
    this.clock = clock;
    fallback.respond(reply(500).body("{\"error\":\"no script for this credential\"}"));
  }

  public static FakeUpstream create(FakeClock clock) {
    return new FakeUpstream(Objects.requireNonNull(clock, "clock"));
  }

  /** The script for requests whose headers carry {@code secret} (the provider key's value). */
  public synchronized Script forKey(String secret) {
    return scripts.computeIfAbsent(Objects.requireNonNull(secret, "secret"), k -> new Script());
  }

  /** The script for requests no key script matches; by default a 500. */
  public Script otherwise() {
    return fallback;
  }

  /** Every request received, in order. */
  public List<UpstreamRequest> requests() {
    return List.copyOf(requests);
  }

  /** Requests received that carried {@code secret}. */
  public List<UpstreamRequest> requestsFor(String secret) {
    List<UpstreamRequest> out = new ArrayList<>();
    for (UpstreamRequest r : requests) {
      if (carries(r, secret)) {
        out.add(r);
      }
    }
    return out;
  }

  public static Reply reply(int status) {
    return new Reply(status);
  }

  public static Reply json(int status, String body) {
    return new Reply(status).header("Content-Type", "application/json").body(body);
  }

  /** A {@code text/event-stream} reply whose events arrive one per read. */
  public static Reply sse(int status, String... events) {
    Reply r = new Reply(status).header("Content-Type", "text/event-stream");
    for (String e : events) {
      r.chunks.add(e.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  @Override
  public UpstreamCall newCall(UpstreamRequest request) {
    Reply reply;
    synchronized (this) {
      Script script = fallback;
      for (Map.Entry<String, Script> e : scripts.entrySet()) {
        if (carries(request, e.getKey())) {
          script = e.getValue();
          break;
        }
      }
      reply = script.next();
    }
    return new Call(request, reply);
  }

  private static boolean carries(UpstreamRequest r, String secret) {
    for (int i = 0; i < r.headers().size(); i++) {
      if (r.headers().value(i).contains(secret)) {
        return true;
      }
    }
    return false;
  }

  /** What one credential answers: replies in order, the last repeating. */
  public static final class Script {
    private final Deque<Reply> replies = new ArrayDeque<>();

    private Script() {}

    public synchronized Script respond(Reply... rs) {
      for (Reply r : rs) {
        replies.add(r);
      }
      return this;
    }

    /** Replaces everything scripted so far. */
    public synchronized Script always(Reply r) {
      replies.clear();
      replies.add(r);
      return this;
    }

    synchronized Reply next() {
      return replies.size() > 1 ? replies.poll() : Objects.requireNonNull(replies.peek(), "empty script");
    }
  }

  /** One scripted reply. */
  public static final class Reply {
    private final int status;
    private final Headers.Builder headers = Headers.builder();
    private final List<byte[]> chunks = new ArrayList<>();
    private Duration delay = Duration.ZERO;
    private boolean disconnectBeforeHeaders;
    private int breakAfterChunks = -1;

    private Reply(int status) {
      this.status = status;
    }

    public Reply header(String name, String value) {
      headers.add(name, value);
      return this;
    }

    public Reply body(String body) {
      chunks.clear();
      chunks.add(body.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Time before the headers; at or beyond the attempt's timeout the call times out. */
    public Reply delay(Duration delay) {
      this.delay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /** The connection breaks before any response. */
    public Reply disconnectBeforeHeaders() {
      this.disconnectBeforeHeaders = true;
      return this;
    }

    /** The connection breaks after this many body chunks (0: right after the headers). */
    public Reply breakAfterChunks(int n) {
      this.breakAfterChunks = n;
      return this;
    }
  }

  private final class Call implements UpstreamCall {
    private final UpstreamRequest request;
    private final Reply reply;
    private volatile boolean canceled;

    Call(UpstreamRequest request, Reply reply) {
      this.request = request;
      this.reply = reply;
    }

    @Override
    public UpstreamResponse execute() throws IOException {
      requests.add(request);
      if (canceled) {
        throw new IOException("Canceled");
      }
      if (reply.delay.compareTo(request.timeout()) >= 0) {
        clock.advance(request.timeout());
        throw new UpstreamTimeoutException("timeout after " + request.timeout().toMillis() + " ms");
      }
      clock.advance(reply.delay);
      if (reply.disconnectBeforeHeaders) {
        throw new IOException("unexpected end of stream");
      }
      return new Response();
    }

    @Override
    public void cancel() {
      canceled = true;
    }

    private final class Response implements UpstreamResponse {
      private final Body body = new Body();

      @Override
      public int status() {
        return reply.status;
      }

      @Override
      public Headers headers() {
        return reply.headers.build();
      }

      @Override
      public InputStream body() {
        return body;
      }

      @Override
      public void close() {
        body.closed = true;
      }
    }

    private final class Body extends InputStream {
      private int chunk;
      private int pos;
      private boolean closed;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (canceled || closed) {
          throw new IOException(canceled ? "Canceled" : "closed");
        }
        if (reply.breakAfterChunks >= 0 && chunk >= reply.breakAfterChunks) {
          throw new IOException("connection reset");
        }
        if (chunk >= reply.chunks.size()) {
          return -1;
        }
        byte[] c = reply.chunks.get(chunk);
        int n = Math.min(len, c.length - pos);
        System.arraycopy(c, pos, b, off, n);
        pos += n;
        if (pos == c.length) {
          chunk++;
          pos = 0;
        }
        return n;
      }
    }
  }

  @Override
  public String toString() {
    return "FakeUpstream[" + requests.size() + " requests]";
  }
}
