package dev.aigateway.failover;

import dev.aigateway.Surface;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One client request and its attempts, as kept by the request log ({@link dev.aigateway.Gateway#request(String)}).
 *
 * @param requestId {@code rq_...}
 * @param accessKeyId the key that made it
 * @param surface the API surface
 * @param startedAt when it arrived
 * @param status the status the client got (0 while a stream is still running)
 * @param errorCode the gateway error code, or null when a provider's response was returned
 * @param attempts every attempt, in order
 */
public record RequestRecord(String requestId, String accessKeyId, Surface surface, Instant startedAt, int status,
    @Nullable String errorCode, List<AttemptRecord> attempts) {
  public RequestRecord {
    attempts = List.copyOf(attempts);
  }
}
