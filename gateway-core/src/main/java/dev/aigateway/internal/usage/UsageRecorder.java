package dev.aigateway.internal.usage;

import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.routing.KeySource;
import dev.aigateway.spi.UsageEvent;
import dev.aigateway.spi.UsageLog;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished request into its usage events (one per attempt, the last one final) and hands them to
 * the {@link UsageLog}. A log or pricing that throws is logged and ignored: the response has been served.
 */
public final class UsageRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

  /** What one attempt cost, in micro-cents. */
  @FunctionalInterface
  public interface Pricing {
    long microCents(String provider, String model, boolean managed, long inputTokens, long outputTokens);
  }

  private final UsageLog log;
  private final Pricing pricing;

  public UsageRecorder(UsageLog log, Pricing pricing) {
    this.log = log;
    this.pricing = pricing;
  }

  /** Records the attempts of {@code request}, which has its final status. */
  public void completed(RequestRecord request) {
    List<AttemptRecord> attempts = request.attempts();
    if (attempts.isEmpty()) {
      return;
    }
    try {
      List<UsageEvent> events = new ArrayList<>(attempts.size());
      for (int i = 0; i < attempts.size(); i++) {
        events.add(event(request, attempts.get(i), i == attempts.size() - 1));
      }
      log.record(events);
    } catch (RuntimeException e) {
      LOG.warn("recording the usage of request {} failed; ignored", request.requestId(), e);
    }
  }

  private UsageEvent event(RequestRecord r, AttemptRecord a, boolean last) {
    long in = Math.max(0, a.inputTokens());
    long out = Math.max(0, a.outputTokens());
    long cost = in == 0 && out == 0 ? 0
        : Math.max(0, pricing.microCents(a.provider(), a.model(), a.keySource() == KeySource.MANAGED, in, out));
    return new UsageEvent(r.startedAt(), r.requestId(), r.accessKeyId(), a.attemptNumber(), last, a.statusCode(),
        a.timedOut(), a.streaming(), a.stopReason(), in, out, a.cacheReadTokens(), a.reasoningTokens(), cost, a.keySource(), a.providerKeyId(), a.provider(),
        a.model());
  }
}
