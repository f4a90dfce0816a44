package dev.aigateway.opentelemetry;

import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Requests between their plan and their end, by request id: the context they were planned in and when
 * each attempt's verdict came. At most {@code max}; the oldest is dropped first. Thread-safe.
 */
final class PendingRequests {
  /** What the spans of one request need from before its end. */
  static final class Request {
    final Context parent;
    final @Nullable String model;
    final boolean stream;
    final Instant plannedAt;
    private final List<Instant> attemptEnds = new ArrayList<>(2);

    Request(Context parent, @Nullable String model, boolean stream, Instant plannedAt) {
      this.parent = parent;
      this.model = model;
      this.stream = stream;
      this.plannedAt = plannedAt;
    }

    synchronized void attemptEnded(int attemptNumber, Instant at) {
      while (attemptEnds.size() < attemptNumber) {
        attemptEnds.add(Instant.MIN);
      }
      attemptEnds.set(attemptNumber - 1, at);
    }

    /** When the attempt's verdict came, or null if it was not seen. */
    synchronized @Nullable Instant attemptEnd(int attemptNumber) {
      if (attemptNumber < 1 || attemptNumber > attemptEnds.size()) {
        return null;
      }
      Instant at = attemptEnds.get(attemptNumber - 1);
      return at.equals(Instant.MIN) ? null : at;
    }
  }

  private final int max;
  private final LinkedHashMap<String, Request> requests;

  PendingRequests(int max) {
    this.max = max;
    this.requests = new LinkedHashMap<>(64, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Request> eldest) {
        return size() > PendingRequests.this.max;
      }
    };
  }

  synchronized void put(String requestId, Request request) {
    requests.put(requestId, request);
  }

  synchronized @Nullable Request get(String requestId) {
    return requests.get(requestId);
  }

  synchronized @Nullable Request remove(String requestId) {
    return requests.remove(requestId);
  }

  synchronized int size() {
    return requests.size();
  }
}
