package dev.aigateway.internal.http;

import dev.aigateway.GatewayException;
import dev.aigateway.routing.RejectedCandidate;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** Kept for the modules that still import it; the public {@link dev.aigateway.http.ReportHeaders} is the one. */
public final class ReportHeaders {
  private ReportHeaders() {}

  public static void write(String prefix, String requestId, int attempts, @Nullable String model,
      @Nullable String provider, @Nullable List<RejectedCandidate> rejected, BiConsumer<String, String> set) {
    dev.aigateway.http.ReportHeaders.write(prefix, requestId, attempts, model, provider, rejected, set);
  }

  public static void writeError(String prefix, String requestId, GatewayException e,
      @Nullable List<RejectedCandidate> rejected, BiConsumer<String, String> set) {
    dev.aigateway.http.ReportHeaders.writeError(prefix, requestId, e, rejected, set);
  }
}
