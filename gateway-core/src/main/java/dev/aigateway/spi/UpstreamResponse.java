package dev.aigateway.spi;

import dev.aigateway.Headers;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * A provider's response: status, headers, and the body as a stream read as it arrives. Closing it
 * releases the connection (and cancels the call if the body was not read to the end).
 */
public interface UpstreamResponse extends Closeable {
  int status();

  /** The response headers in arrival order. */
  Headers headers();

  /** The first value of a header (case-insensitive), or null. */
  default @Nullable String header(String name) {
    return headers().get(name);
  }

  /** The body; {@code read(byte[])} returns what has arrived, blocking only when nothing has. */
  InputStream body();

  @Override
  void close() throws IOException;
}
