package dev.aigateway.okhttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server that keeps connections alive like uvicorn or Node do: it closes a connection
 * that stays idle longer than {@code idleCloseMillis}. {@code dieAfterRequest} makes it read a request on
 * a reused connection and then close the connection without answering (a provider that processed the
 * request and then crashed). Counts every request it read in full.
 */
final class KeepAliveServer implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final int idleCloseMillis;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  volatile boolean dieAfterRequestOnReusedConnection;

  KeepAliveServer(int idleCloseMillis) throws IOException {
    this.idleCloseMillis = idleCloseMillis;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.execute(this::accept);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(idleCloseMillis);
      s.setTcpNoDelay(true); // no Nagle wait between the head and the body it writes
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      for (int served = 0; served < 10_000; served++) {
        String head;
        try {
          head = readHead(in);
        } catch (SocketTimeoutException idle) {
          return; // idle too long: close, as keep-alive servers do
        }
        if (head == null) {
          return;
        }
        s.setSoTimeout(5000);
        int length = contentLength(head);
        in.readNBytes(length);
        requests.incrementAndGet();
        if (served > 0 && dieAfterRequestOnReusedConnection) {
          return; // processed, then gone without an answer
        }
        byte[] body = "{\"id\":\"ok\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"
            .getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        s.setSoTimeout(idleCloseMillis);
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (head.size() > 65536) {
        return null;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n", -1)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
