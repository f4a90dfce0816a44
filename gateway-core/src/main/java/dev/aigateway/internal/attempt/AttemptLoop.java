package dev.aigateway.internal.attempt;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayResponse;
import dev.aigateway.RequestCanceledException;
import dev.aigateway.ResponseHeaderPolicy;
import dev.aigateway.catalog.Provider;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.failover.Completion;
import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.KeyCooldowns;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.internal.json.Usage;
import dev.aigateway.internal.limit.KeyLimiter;
import dev.aigateway.internal.plan.RoutingState;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.routing.RoutePlan;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.internal.credits.CreditCharger;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.spi.UpstreamTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a plan's attempts against the {@link Upstream}, applies the {@link FailoverPolicy} verdict to
 * each, cools keys down, and stops at the first response that goes to the client, the deadline, or the
 * attempt budget. The loop only: headers ({@link ForwardedHeaders}), request building
 * ({@link UpstreamRequests}), the streamed body ({@link StreamedBody}) and the final error
 * ({@link ExhaustionReport}) live beside it.
 */
public final class AttemptLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptLoop.class);

  private final Supplier<Gateway.Limits> limits;
  private final Upstream upstream;
  private final FailoverPolicy policy;
  private final CredentialResolver credentials;
  private final CreditCharger charger;
  private final Clock clock;
  private final KeyCooldowns cooldowns;
  private final RequestEvents events;
  private final int bufferedResponseBytes;
  private final ResponseHeaderPolicy responseHeaders;
  private final KeyLimiter limiter;

  public AttemptLoop(Supplier<Gateway.Limits> limits, Upstream upstream, FailoverPolicy policy,
      CredentialResolver credentials, CreditCharger charger, Clock clock, KeyCooldowns cooldowns, RequestEvents events,
      int bufferedResponseBytes, ResponseHeaderPolicy responseHeaders, KeyLimiter limiter) {
    this.limits = limits;
    this.upstream = upstream;
    this.policy = policy;
    this.credentials = credentials;
    this.charger = charger;
    this.clock = clock;
    this.cooldowns = cooldowns;
    this.events = events;
    this.bufferedResponseBytes = bufferedResponseBytes;
    this.responseHeaders = responseHeaders;
    this.limiter = limiter;
  }

  /** What one attempt led to: a response for the client, or the action to take next. */
  private static final class Outcome {
    final RetryAction action;
    final @Nullable GatewayResponse response;

    Outcome(RetryAction action, @Nullable GatewayResponse response) {
      this.action = action;
      this.response = response;
    }
  }

  /**
   * Admits the request against its access key's limits (a refusal throws before any upstream call), walks
   * the plan, and finishes the limit permit once: here, unless a streamed body took it over.
   */
  public GatewayResponse execute(RoutePlan plan, RoutingState state) {
    RequestRun run = new RequestRun(plan, state, limits.get(), clock.nanoTime(), clock.now());
    run.limit = limiter.admit(plan, state, run.body);
    GatewayResponse response;
    try {
      response = walk(run);
    } finally {
      if (!run.streaming) {
        run.limit.unserved(); // a no-op when a served response settled it already
      }
    }
    if (!run.onCancel(response::close)) {
      response.close(); // cancelled just as the response arrived: a stream is closed, the provider's call too
      throw cancelled(run, false);
    }
    return response;
  }

  private GatewayResponse walk(RequestRun run) {
    RoutePlan plan = run.plan;
    RoutingState state = run.state;
    int maxAttempts = run.limits.maxAttempts();
    outer:
    for (Candidate c : plan.candidates()) {
      Provider provider = state.resolver.catalog().provider(c.provider());
      if (provider == null) {
        continue;
      }
      byte[] body = UpstreamRequests.bodyFor(run, c, provider);
      for (PlannedAttempt a : c.attempts()) {
        if (run.cancelled()) {
          throw cancelled(run, true);
        }
        if (run.attempts >= maxAttempts) {
          break outer;
        }
        if (clock.nanoTime() - run.deadline >= 0) {
          run.timedOut = true;
          break outer;
        }
        if (cooldowns.requestedUntilNanosShared(a.credentialKey()) != 0) {
          run.held.add(new RequestRun.Held(c, a)); // the provider asked not to be called with this key yet
          continue;
        }
        SecretValue secret = secretFor(a, state);
        if (secret == null) {
          continue; // the key vanished or its secret is unavailable: nothing to send
        }
        Outcome o = attempt(run, provider, a, secret, body);
        if (o.response != null) {
          return o.response;
        }
        if (o.action == RetryAction.NEXT_BACKEND) {
          continue outer;
        }
      }
    }
    if (clock.nanoTime() - run.deadline >= 0) {
      run.timedOut = true; // the deadline passed during the last attempt
    }
    if (run.cancelled()) {
      throw cancelled(run, true);
    }
    GatewayResponse retried = retrySameBackend(run);
    if (retried != null) {
      return retried;
    }
    if (run.cancelled()) {
      throw cancelled(run, true);
    }
    if (clock.nanoTime() - run.deadline >= 0) {
      run.timedOut = true; // the deadline passed during the retried attempt
    }
    GatewayException e = ExhaustionReport.of(run, cooldowns);
    finish(run, e.code().status(), e.code().code());
    throw e;
  }

  /** The caller cancelled: the request ends without a response (recorded as {@code client_closed}). */
  private RequestCanceledException cancelled(RequestRun run, boolean record) {
    if (record) {
      finish(run, 499, "client_closed");
    }
    return new RequestCanceledException(run.plan.requestId());
  }

  /**
   * When every attempt was rate limited, or held back by a provider-requested wait, wait once for the
   * soonest key if the wait fits {@code maxRetryWait} and the deadline, and try it again.
   */
  private @Nullable GatewayResponse retrySameBackend(RequestRun run) {
    if ((run.records.isEmpty() && run.held.isEmpty()) || !run.allRateLimited || run.timedOut
        || run.attempts >= run.limits.maxAttempts()) {
      return null;
    }
    String soonestKey = null;
    long soonestWait = Long.MAX_VALUE;
    for (AttemptRecord r : run.records) {
      long wait = cooldowns.remaining(r.credentialKey()).toNanos();
      if (wait < soonestWait) {
        soonestWait = wait;
        soonestKey = r.credentialKey();
      }
    }
    for (RequestRun.Held h : run.held) {
      long wait = cooldowns.remaining(h.attempt.credentialKey()).toNanos();
      if (wait < soonestWait) {
        soonestWait = wait;
        soonestKey = h.attempt.credentialKey();
      }
    }
    long left = run.deadline - clock.nanoTime();
    if (soonestKey == null || soonestWait > run.limits.maxRetryWait().toNanos() || soonestWait >= left) {
      return null;
    }
    Candidate candidate = null;
    PlannedAttempt planned = null;
    for (Candidate c : run.plan.candidates()) {
      for (PlannedAttempt a : c.attempts()) {
        if (candidate == null && a.credentialKey().equals(soonestKey)) {
          candidate = c;
          planned = a;
        }
      }
    }
    if (candidate == null || planned == null) {
      return null;
    }
    Provider provider = run.state.resolver.catalog().provider(candidate.provider());
    SecretValue secret = secretFor(planned, run.state);
    if (provider == null || secret == null) {
      return null;
    }
    try {
      clock.sleep(Duration.ofNanos(Math.max(0, soonestWait)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    for (int i = run.records.size() - 1; i >= 0; i--) {
      AttemptRecord r = run.records.get(i);
      if (r.credentialKey().equals(soonestKey)) {
        run.records.set(i, r.toBuilder().retryAction(RetryAction.RETRY_SAME_BACKEND).build());
        break;
      }
    }
    if (cooldowns.requestedUntilNanosShared(planned.credentialKey()) != 0) {
      return null; // while this request waited, the provider asked for a longer wait: it is honoured
    }
    return attempt(run, provider, planned, secret, UpstreamRequests.bodyFor(run, candidate, provider)).response;
  }

  private Outcome attempt(RequestRun run, Provider provider, PlannedAttempt a, SecretValue secret, byte[] body) {
    run.attempts++;
    int number = run.attempts;
    long remaining = run.deadline - clock.nanoTime();
    Duration timeout = Duration.ofNanos(Math.max(1, Math.min(remaining, run.limits.perAttemptTimeout().toNanos())));
    UpstreamCall call = upstream.newCall(UpstreamRequests.build(run, provider, a, secret, body, timeout));
    if (!run.onCancel(call::cancel)) {
      run.attempts--; // cancelled before it started: not an attempt
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    }
    long t0 = clock.nanoTime();
    UpstreamResponse response;
    try {
      response = call.execute();
    } catch (UpstreamTimeoutException e) {
      run.failed(e);
      record(run, a, number, 0, RetryAction.NEXT_BACKEND, Completion.TIMED_OUT, t0, true, false, Usage.NONE,
          "timeout");
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    } catch (IOException | RuntimeException e) {
      run.failed(e);
      record(run, a, number, 0, RetryAction.NEXT_BACKEND, Completion.FAILED, t0, false, false, Usage.NONE,
          Transfers.describe(e));
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    }
    int status = response.status();
    try {
      RetryAction action = policy.classify(status);
      if (status != 429) {
        run.allRateLimited = false;
      }
      return switch (action) {
        case SUCCEEDED -> success(run, a, number, t0, response, call);
        case FAIL_FAST -> failFast(run, a, number, t0, response, status);
        case NEXT_KEY, NEXT_BACKEND -> next(run, a, number, t0, response, status, action);
        case RETRY_SAME_BACKEND, EXHAUSTED -> throw new IllegalStateException("FailoverPolicy.classify(" + status
            + ") returned " + action + "; a policy answers SUCCEEDED, NEXT_KEY, NEXT_BACKEND or FAIL_FAST (the"
            + " gateway itself decides when to retry the same backend or give up)");
      };
    } catch (RuntimeException e) {
      Transfers.closeQuietly(response); // a policy that throws, or answers the impossible, leaks nothing
      throw e;
    }
  }

  private Outcome failFast(RequestRun run, PlannedAttempt a, int number, long t0, UpstreamResponse response,
      int status) {
    byte[] bytes;
    try {
      bytes = Transfers.readAll(response.body(), Transfers.MAX_ERROR_BODY);
    } catch (IOException e) {
      bytes = new byte[0];
    } finally {
      Transfers.closeQuietly(response);
    }
    record(run, a, number, status, RetryAction.FAIL_FAST, Completion.FAILED, t0, false, false, Usage.NONE, null);
    GatewayResponse out = respond(run, a, response, status).body(bytes).build();
    finish(run, status, null);
    return new Outcome(RetryAction.FAIL_FAST, out);
  }

  private Outcome next(RequestRun run, PlannedAttempt a, int number, long t0, UpstreamResponse response, int status,
      RetryAction action) {
    if (action == RetryAction.NEXT_KEY) {
      Duration retryAfter = RetryAfter.parse(response.header("retry-after-ms"), response.header("retry-after"),
          clock.now());
      Duration cool = policy.cooldown(status, retryAfter);
      if (status == 429 && retryAfter != null) {
        // the provider asked: not called again before it ends (a policy may lengthen the wait, not shorten it)
        cooldowns.honour(a.credentialKey(), cool.compareTo(retryAfter) < 0 ? retryAfter : cool);
      } else {
        cooldowns.coolDown(a.credentialKey(), cool); // the gateway's choice: tried last meanwhile
      }
    }
    Transfers.closeQuietly(response);
    record(run, a, number, status, action, Completion.FAILED, t0, false, false, Usage.NONE, null);
    return new Outcome(action, null);
  }

  private Outcome success(RequestRun run, PlannedAttempt a, int number, long t0, UpstreamResponse response,
      UpstreamCall call) {
    int status = response.status();
    boolean stream = run.plan.stream() || Transfers.isEventStream(response);
    if (!stream) {
      Transfers.Head head;
      try {
        long declared = declaredLength(response);
        // an answer declared larger than a response may hold is passed through at once: holding its first
        // megabyte would gain nothing (it cannot be failed over whole) and costs a large array per response
        int hold = declared > bufferedResponseBytes ? Math.min(bufferedResponseBytes, 8192) : bufferedResponseBytes;
        head = Transfers.readUpTo(response.body(), hold, declared);
      } catch (IOException e) {
        Transfers.closeQuietly(response);
        run.failed(e);
        boolean timeout = e instanceof UpstreamTimeoutException;
        record(run, a, number, status, RetryAction.NEXT_BACKEND, timeout ? Completion.TIMED_OUT : Completion.FAILED,
            t0, timeout, false, Usage.NONE, Transfers.describe(e));
        return new Outcome(RetryAction.NEXT_BACKEND, null);
      }
      if (!head.ended) {
        // larger than what a response may hold: passed through as it arrives, usage read from its ends
        record(run, a, number, status, RetryAction.SUCCEEDED, Completion.SUCCEEDED, t0, false, false, Usage.NONE,
            null);
        events.record(run.toRecord(0, null));
        StreamedBody body = new StreamedBody(this, run, a, run.records.size() - 1, response, call, head.bytes,
            head.length, false);
        GatewayResponse out = respond(run, a, response, status).stream(body).build();
        return new Outcome(RetryAction.SUCCEEDED, out);
      }
      Transfers.closeQuietly(response);
      byte[] bytes = head.length == head.bytes.length ? head.bytes : Arrays.copyOf(head.bytes, head.length);
      Usage usage = Usage.scan(bytes, 0, bytes.length);
      record(run, a, number, status, RetryAction.SUCCEEDED, Completion.SUCCEEDED, t0, false, false, usage, null);
      charge(run, a, usage, bytes, bytes.length);
      run.limit.served(a.provider(), a.model(), usage);
      GatewayResponse out = respond(run, a, response, status).body(bytes).build();
      finish(run, status, null);
      return new Outcome(RetryAction.SUCCEEDED, out);
    }
    // a stream: wait for its first bytes before committing, so an early failure can still fail over
    byte[] first = new byte[8192];
    int n;
    try {
      n = response.body().read(first);
    } catch (IOException e) {
      Transfers.closeQuietly(response);
      run.failed(e);
      boolean timeout = e instanceof UpstreamTimeoutException;
      record(run, a, number, status, RetryAction.NEXT_BACKEND, timeout ? Completion.TIMED_OUT : Completion.FAILED,
          t0, timeout, true, Usage.NONE, Transfers.describe(e));
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    }
    record(run, a, number, status, RetryAction.SUCCEEDED, Completion.SUCCEEDED, t0, false, true, Usage.NONE, null);
    int index = run.records.size() - 1;
    // keep only what arrived: a held-open stream should not pin a full read buffer
    events.record(run.toRecord(0, null)); // still running; a body that has already ended records its end
    StreamedBody body = new StreamedBody(this, run, a, index, response, call, Arrays.copyOf(first, Math.max(n, 0)),
        Math.max(n, 0), n < 0);
    GatewayResponse out = respond(run, a, response, status).stream(body).build();
    return new Outcome(RetryAction.SUCCEEDED, out);
  }

  private GatewayResponse.Builder respond(RequestRun run, PlannedAttempt a, UpstreamResponse response, int status) {
    return GatewayResponse.builder().requestId(run.plan.requestId()).status(status)
        .headers(ForwardedHeaders.fromProvider(response.headers(), responseHeaders)).servedBy(a.provider(), a.model())
        .attempts(run.records).rejected(run.plan.rejected());
  }

  private static long declaredLength(UpstreamResponse response) {
    String length = response.header("content-length");
    if (length == null || length.isEmpty() || length.length() > 18) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Charges the served attempt to the credit ledger (when credits are enforced); usage NONE: estimated. */
  void charge(RequestRun run, PlannedAttempt a, Usage usage, byte @Nullable [] response, long responseBytes) {
    charger.charge(run.plan, run.body, a, run.state.resolver.catalog().provider(a.provider()), usage, response,
        responseBytes);
  }

  /** Charges a stream cut short: usage it named so far counts, the rest is estimated from what was served. */
  void chargeCut(RequestRun run, PlannedAttempt a, Usage seen, long responseBytes) {
    charger.chargeCut(run.plan, run.body, a, run.state.resolver.catalog().provider(a.provider()), seen,
        responseBytes);
  }

  void finish(RequestRun run, int status, @Nullable String errorCode) {
    events.record(run.toRecord(status, errorCode));
  }

  private @Nullable SecretValue secretFor(PlannedAttempt a, RoutingState state) {
    try {
      if (a.managed()) {
        return credentials.managed(a.provider());
      }
      ProviderKey key = state.keysById.get(a.providerKeyId());
      return key == null ? null : credentials.providerKey(key);
    } catch (RuntimeException e) {
      LOG.warn("CredentialResolver threw for {}; the attempt is skipped", a.credentialKey(), e);
      return null;
    }
  }

  private void record(RequestRun run, PlannedAttempt a, int number, int status, RetryAction action,
      Completion completion, long t0, boolean timedOut, boolean streaming, Usage usage, @Nullable String error) {
    long millis = Math.max(0, (clock.nanoTime() - t0) / 1_000_000);
    AttemptRecord r = AttemptRecord.builder().attemptNumber(number).provider(a.provider()).model(a.model())
        .providerKeyId(a.providerKeyId()).statusCode(status).retryAction(action).completion(completion)
        .durationMillis(millis).timedOut(timedOut).streaming(streaming).usage(usage.input, usage.output)
        .usageDetails(usage.cacheRead, usage.reasoning, usage.stopReason).error(error)
        .build();
    run.records.add(r);
    events.attempt(run.plan, r);
  }
}
