package dev.aigateway.internal.attempt;

import dev.aigateway.Gateway;
import dev.aigateway.Headers;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.limit.KeyLimiter;
import dev.aigateway.internal.plan.EngineAccess;
import dev.aigateway.internal.plan.RoutingState;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The state of one request's walk through its plan: attempts so far, failures, the deadline. */
final class RequestRun {
  final RoutePlan plan;
  final RoutingState state;
  final Gateway.Limits limits;
  final long deadline;
  /** The time the request may take: the gateway's total timeout, or the caller's shorter deadline. */
  final java.time.Duration totalTimeout;
  /** The client's headers that may go upstream (credentials and hop-by-hop removed). */
  final Headers forwarded;
  /** The request's own body (copied when the request was built; never changed). */
  final byte[] body;
  /** The scan made while planning. */
  final BodyScanner.Result scan;
  final Instant startedAt;
  final List<AttemptRecord> records = new ArrayList<>(4);
  final List<Throwable> failures = new ArrayList<>(2);
  /** Attempts not made because the provider asked not to call their key yet. */
  final List<Held> held = new ArrayList<>(2);
  /** What lets the caller stop this request, or null. */
  final dev.aigateway.@Nullable Cancellation cancellation;
  /** The access key's limit permit, finished once when the request is over. */
  KeyLimiter.Held limit = KeyLimiter.Held.NONE;
  /** Whether a streamed body took over finishing {@link #limit}. */
  boolean streaming;
  boolean allRateLimited = true;
  boolean timedOut;
  int attempts;

  RequestRun(RoutePlan plan, RoutingState state, Gateway.Limits limits, long nowNanos, Instant now) {
    this.plan = plan;
    this.state = state;
    this.limits = limits;
    java.time.Duration own = plan.request().timeout();
    java.time.Duration total = own != null && own.compareTo(limits.totalTimeout()) < 0 ? own : limits.totalTimeout();
    this.deadline = nowNanos + total.toNanos();
    this.totalTimeout = total;
    this.startedAt = now;
    this.forwarded = ForwardedHeaders.fromClient(plan.request().headers());
    this.body = EngineAccess.requests().body(plan.request());
    this.scan = EngineAccess.plans().scan(plan);
    this.cancellation = plan.request().cancellation();
  }

  boolean cancelled() {
    return cancellation != null && cancellation.isCancelled();
  }

  /** Makes {@code action} what the caller's cancel stops now; false when the request is already cancelled. */
  boolean onCancel(Runnable action) {
    return cancellation == null || EngineAccess.cancellations().bind(cancellation, action);
  }

  /** An attempt held back by a provider-requested wait, with the candidate it belongs to. */
  static final class Held {
    final Candidate candidate;
    final PlannedAttempt attempt;

    Held(Candidate candidate, PlannedAttempt attempt) {
      this.candidate = candidate;
      this.attempt = attempt;
    }
  }

  void failed(Throwable e) {
    allRateLimited = false;
    failures.add(e);
  }

  RequestRecord toRecord(int status, @Nullable String errorCode) {
    return new RequestRecord(plan.requestId(), plan.accessKeyId(), plan.surface(), startedAt, status, errorCode,
        records);
  }
}
