package dev.aigateway.okhttp;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Protocol;

/**
 * Keeps a request off a pooled HTTP/1.1 connection that the provider closed while it sat idle. Servers
 * close idle keep-alive connections (uvicorn and Node after 5 s), and OkHttp only checks a pooled
 * connection's health when it has been idle for more than 10 s; a request written to such a connection gets
 * "unexpected end of stream". Retrying after that would be unsafe: the gateway cannot know whether the
 * provider processed the request, and a completion is not idempotent.
 *
 * <p>So the check happens before anything is written. When a call acquires a pooled connection that has
 * been idle for at least {@link #PROBE_AFTER_IDLE_NANOS}, this listener reads from its socket with a 1 ms
 * timeout. A healthy idle connection has nothing to read and times out; one the peer closed answers
 * end-of-stream at once (and one with unexpected bytes on it is broken too). A stale connection's socket is
 * closed there, before the request's first byte, and the call is marked: its write then fails, and
 * {@link OkHttpUpstream} re-issues it on another connection, which is safe because nothing was sent.
 * Connections reused within the idle threshold are not probed, so back-to-back traffic pays nothing; a
 * connection probed after an idle gap costs at most 1 ms. HTTP/2 connections are left to OkHttp's own
 * health checks.
 */
final class StaleConnectionProbe extends EventListener {
  /** Connections idle at least this long are probed before reuse. */
  static final long PROBE_AFTER_IDLE_NANOS = 250_000_000L;
  private static final int SWEEP_AT = 1024;

  private final Map<Connection, Long> idleSince = new ConcurrentHashMap<>();
  private final Set<Call> staleClosed = ConcurrentHashMap.newKeySet();

  /** This probe in front of the host's own listener, when it has one. */
  EventListener.Factory around(EventListener.Factory host) {
    return call -> {
      EventListener theirs = host.create(call);
      return theirs == EventListener.NONE ? this : this.plus(theirs);
    };
  }

  /** Whether this call failed because its pooled connection was found stale and closed before any write. */
  boolean consumeStale(Call call) {
    return staleClosed.remove(call);
  }

  @Override
  public void connectionReleased(Call call, Connection connection) {
    if (isHttp1(connection)) {
      if (idleSince.size() >= SWEEP_AT) {
        idleSince.keySet().removeIf(c -> c.socket().isClosed()); // connections the pool evicted meanwhile
      }
      idleSince.put(connection, System.nanoTime());
    }
  }

  @Override
  public void connectionAcquired(Call call, Connection connection) {
    Long since = idleSince.remove(connection);
    if (since == null || System.nanoTime() - since < PROBE_AFTER_IDLE_NANOS || !isHttp1(connection)) {
      return; // a new connection, or one in use moments ago
    }
    Socket socket = connection.socket();
    if (!alive(socket)) {
      staleClosed.add(call);
      try {
        socket.close(); // before the request's first byte: the write fails and nothing reached the provider
      } catch (IOException e) {
        // closed already
      }
    }
  }

  @Override
  public void callEnd(Call call) {
    staleClosed.remove(call);
  }

  @Override
  public void callFailed(Call call, IOException ioe) {
    // the mark stays until consumeStale reads it; a call that fails for another reason was never marked
  }

  private static boolean isHttp1(Connection connection) {
    Protocol p = connection.protocol();
    return p == Protocol.HTTP_1_1 || p == Protocol.HTTP_1_0;
  }

  /** Reads with a 1 ms timeout: a timeout means nothing arrived, so the idle connection is healthy. */
  static boolean alive(Socket socket) {
    if (socket.isClosed() || socket.isInputShutdown() || socket.isOutputShutdown()) {
      return false;
    }
    int timeout;
    try {
      timeout = socket.getSoTimeout();
    } catch (IOException e) {
      return false;
    }
    try {
      socket.setSoTimeout(1);
      InputStream in = socket.getInputStream();
      in.read(); // end of stream (-1), or a byte nobody asked for: either way the connection is unusable
      return false;
    } catch (SocketTimeoutException healthy) {
      try {
        socket.setSoTimeout(timeout);
        return true;
      } catch (IOException e) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
  }
}
