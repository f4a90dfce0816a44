package dev.aigateway;

import dev.aigateway.catalog.Provider;
import dev.aigateway.internal.BodyRewriter;
import dev.aigateway.internal.BodyScanner;
import dev.aigateway.internal.RetryAfter;
import dev.aigateway.internal.Usage;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.Upstream;
import dev.aigateway.spi.UpstreamCall;
import dev.aigateway.spi.UpstreamRequest;
import dev.aigateway.spi.UpstreamResponse;
import dev.aigateway.spi.UpstreamTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a plan's attempts against the {@link Upstream}: builds each upstream request (credential
 * injected, client credentials and hop-by-hop headers stripped, body rewritten only where needed), applies
 * the {@link FailoverPolicy} verdict, cools keys down, and stops at the first response that goes to the
 * client, the deadline, or the attempt budget.
 */
final class AttemptLoop {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptLoop.class);

  /** Client headers never forwarded: credentials, hop-by-hop, framing, and what the transport sets. */
  static final Set<String> DROPPED_HEADERS = Set.of("authorization", "x-api-key", "host", "content-length",
      "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
      "transfer-encoding", "upgrade", "accept-encoding", "expect", "cookie", "http2-settings");
  /** Provider response headers not passed back: hop-by-hop and framing (the server sets its own). */
  static final Set<String> DROPPED_RESPONSE_HEADERS = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length", "content-encoding",
      "set-cookie");
  static final int MAX_ERROR_BODY = 1 << 20;

  private final Gateway gateway;
  private final Upstream upstream;
  private final FailoverPolicy policy;
  private final CredentialResolver credentials;
  private final CreditLedger ledger;
  private final Clock clock;
  private final KeyCooldowns cooldowns;
  private final long maxResponseBytes;

  AttemptLoop(Gateway gateway, Upstream upstream, FailoverPolicy policy, CredentialResolver credentials,
      CreditLedger ledger, Clock clock, KeyCooldowns cooldowns, long maxResponseBytes) {
    this.gateway = gateway;
    this.upstream = upstream;
    this.policy = policy;
    this.credentials = credentials;
    this.ledger = ledger;
    this.clock = clock;
    this.cooldowns = cooldowns;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** State of one request's walk. */
  private final class Run {
    final RoutePlan plan;
    final RoutingState state;
    final long deadline;
    final List<String> fwdNames = new ArrayList<>();
    final List<String> fwdValues = new ArrayList<>();
    final List<AttemptRecord> records = new ArrayList<>(4);
    final List<Throwable> failures = new ArrayList<>(2);
    final BodyScanner.Result scan;
    final java.time.Instant startedAt = clock.now();
    boolean allRateLimited = true;
    boolean timedOut;
    int attempts;

    Run(RoutePlan plan, RoutingState state) {
      this.plan = plan;
      this.state = state;
      this.deadline = clock.nanoTime() + gateway.limits().totalTimeout().toNanos();
      GatewayRequest r = plan.request();
      for (int i = 0; i < r.headerNames().size(); i++) {
        String name = r.headerNames().get(i);
        String value = r.headerValues().get(i);
        checkHeader(name, value);
        if (!DROPPED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) && !listedInConnection(r, name)) {
          fwdNames.add(name);
          fwdValues.add(value);
        }
      }
      byte[] body = r.body();
      this.scan = BodyScanner.scan(body, 0, body.length);
    }
  }

  GatewayResponse execute(RoutePlan plan, RoutingState state) {
    Run run = new Run(plan, state);
    int maxAttempts = gateway.limits().maxAttempts();
    outer:
    for (Candidate c : plan.candidates()) {
      Provider provider = state.resolver.catalog().provider(c.provider());
      if (provider == null) {
        continue;
      }
      byte[] body = bodyFor(run, c, provider);
      for (PlannedAttempt a : c.attempts()) {
        if (run.attempts >= maxAttempts) {
          break outer;
        }
        if (clock.nanoTime() - run.deadline >= 0) {
          run.timedOut = true;
          break outer;
        }
        SecretValue secret = secretFor(a, state);
        if (secret == null) {
          continue; // the key vanished or its secret is unavailable: nothing to send
        }
        Outcome o = attempt(run, c, provider, a, secret, body);
        if (o.response != null) {
          return o.response;
        }
        if (o.action == RetryAction.NEXT_BACKEND) {
          continue outer;
        }
      }
    }
    GatewayResponse retried = retrySameBackend(run);
    if (retried != null) {
      return retried;
    }
    throw exhausted(run);
  }

  /** When every attempt was rate limited, wait once for the soonest key if the wait fits, and retry it. */
  private @Nullable GatewayResponse retrySameBackend(Run run) {
    if (run.records.isEmpty() || !run.allRateLimited || run.timedOut
        || run.attempts >= gateway.limits().maxAttempts()) {
      return null;
    }
    AttemptRecord soonest = null;
    long soonestWait = Long.MAX_VALUE;
    for (AttemptRecord r : run.records) {
      String key = r.providerKeyId() != null ? r.providerKeyId() : "managed:" + r.provider();
      long wait = cooldowns.remaining(key).toNanos();
      if (wait < soonestWait) {
        soonestWait = wait;
        soonest = r;
      }
    }
    long left = run.deadline - clock.nanoTime();
    if (soonest == null || soonestWait > gateway.limits().maxRetryWait().toNanos() || soonestWait >= left) {
      return null;
    }
    Candidate candidate = null;
    PlannedAttempt planned = null;
    for (Candidate c : run.plan.candidates()) {
      for (PlannedAttempt a : c.attempts()) {
        if (a.provider().equals(soonest.provider()) && a.model().equals(soonest.model())
            && java.util.Objects.equals(a.providerKeyId(), soonest.providerKeyId())) {
          candidate = c;
          planned = a;
        }
      }
    }
    Provider provider = candidate == null ? null : run.state.resolver.catalog().provider(candidate.provider());
    SecretValue secret = planned == null ? null : secretFor(planned, run.state);
    if (provider == null || secret == null) {
      return null;
    }
    try {
      clock.sleep(Duration.ofNanos(Math.max(0, soonestWait)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    int index = run.records.lastIndexOf(soonest);
    run.records.set(index, withAction(soonest, RetryAction.RETRY_SAME_BACKEND));
    cooldowns.clear(planned.credentialKey());
    return attempt(run, candidate, provider, planned, secret, bodyFor(run, candidate, provider)).response;
  }

  /**
   * The body for one candidate: the client's bytes, with {@code model} rewritten and {@code models}
   * removed only when needed, and top-level parameters the provider does not accept stripped.
   */
  private static byte[] bodyFor(Run run, Candidate c, Provider provider) {
    byte[] body = run.plan.request().body();
    if (run.plan.needsRewrite(c)) {
      body = BodyRewriter.rewrite(body, 0, body.length, run.scan, c.model());
    }
    Set<String> accepted = provider.supportedParams(run.plan.surface());
    if (!accepted.isEmpty()) {
      Set<String> keep = new java.util.HashSet<>(accepted);
      keep.add("model");
      keep.add("stream");
      body = BodyRewriter.keepOnly(body, keep);
    }
    return body;
  }

  private static AttemptRecord withAction(AttemptRecord r, RetryAction action) {
    return new AttemptRecord(r.attemptNumber(), r.provider(), r.model(), r.providerKeyId(), r.keySource(),
        r.statusCode(), action, r.completion(), r.durationMillis(), r.timedOut(), r.streaming(), r.inputTokens(),
        r.outputTokens(), r.error());
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

  private Outcome attempt(Run run, Candidate c, Provider provider, PlannedAttempt a, SecretValue secret,
      byte[] body) {
    run.attempts++;
    int number = run.attempts;
    long remaining = run.deadline - clock.nanoTime();
    Duration timeout = Duration.ofNanos(Math.max(1, Math.min(remaining,
        gateway.limits().perAttemptTimeout().toNanos())));
    UpstreamRequest request = buildRequest(run, c, provider, a, secret, body, timeout);
    UpstreamCall call = upstream.newCall(request);
    long t0 = clock.nanoTime();
    UpstreamResponse response;
    try {
      response = call.execute();
    } catch (UpstreamTimeoutException e) {
      run.allRateLimited = false;
      run.failures.add(e);
      record(run, a, number, 0, RetryAction.NEXT_BACKEND, "timed_out", t0, true, false, Usage.NONE, "timeout");
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    } catch (IOException | RuntimeException e) {
      run.allRateLimited = false;
      run.failures.add(e);
      record(run, a, number, 0, RetryAction.NEXT_BACKEND, "failed", t0, false, false, Usage.NONE, describe(e));
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    }
    int status = response.status();
    RetryAction action = policy.classify(status);
    if (status != 429) {
      run.allRateLimited = false;
    }
    switch (action) {
      case SUCCEEDED:
        return success(run, c, a, number, t0, response, call);
      case FAIL_FAST: {
        byte[] bytes;
        try {
          bytes = readAll(response.body(), MAX_ERROR_BODY);
        } catch (IOException e) {
          bytes = new byte[0];
        } finally {
          closeQuietly(response);
        }
        record(run, a, number, status, RetryAction.FAIL_FAST, "failed", t0, false, false, Usage.NONE, null);
        GatewayResponse out = GatewayResponse.buffered(run.plan.requestId(), status, responseNames(response),
            responseValues(response), bytes, a.provider(), a.model(), run.records, run.plan.rejected());
        finish(run, status, null);
        return new Outcome(RetryAction.FAIL_FAST, out);
      }
      default: {
        if (action == RetryAction.NEXT_KEY) {
          Duration retryAfter = RetryAfter.parse(response.header("retry-after-ms"), response.header("retry-after"),
              clock.now());
          Duration cool = policy.cooldown(status, retryAfter);
          if (!cool.isZero() && !cool.isNegative()) {
            cooldowns.coolDown(a.credentialKey(), cool);
          }
        }
        closeQuietly(response);
        RetryAction recorded = action == RetryAction.SUCCEEDED || action == RetryAction.FAIL_FAST
            ? RetryAction.NEXT_BACKEND : action;
        record(run, a, number, status, recorded, "failed", t0, false, false, Usage.NONE, null);
        return new Outcome(recorded, null);
      }
    }
  }

  private Outcome success(Run run, Candidate c, PlannedAttempt a, int number, long t0, UpstreamResponse response,
      UpstreamCall call) {
    int status = response.status();
    boolean stream = run.plan.stream() || isEventStream(response);
    if (!stream) {
      byte[] bytes;
      try {
        bytes = readAll(response.body(), maxResponseBytes);
      } catch (IOException e) {
        closeQuietly(response);
        run.allRateLimited = false;
        run.failures.add(e);
        boolean timeout = e instanceof UpstreamTimeoutException;
        record(run, a, number, status, RetryAction.NEXT_BACKEND, timeout ? "timed_out" : "failed", t0, timeout,
            false, Usage.NONE, describe(e));
        return new Outcome(RetryAction.NEXT_BACKEND, null);
      } finally {
        closeQuietly(response);
      }
      Usage usage = Usage.scan(bytes, 0, bytes.length);
      record(run, a, number, status, RetryAction.SUCCEEDED, "succeeded", t0, false, false, usage, null);
      chargeUsage(run, a, usage);
      GatewayResponse out = GatewayResponse.buffered(run.plan.requestId(), status, responseNames(response),
          responseValues(response), bytes, a.provider(), a.model(), run.records, run.plan.rejected());
      finish(run, status, null);
      return new Outcome(RetryAction.SUCCEEDED, out);
    }
    // a stream: wait for its first bytes before committing, so an early failure can still fail over
    byte[] first = new byte[8192];
    int n;
    try {
      n = response.body().read(first);
    } catch (IOException e) {
      closeQuietly(response);
      run.allRateLimited = false;
      run.failures.add(e);
      record(run, a, number, status, RetryAction.NEXT_BACKEND, "failed", t0, false, true, Usage.NONE, describe(e));
      return new Outcome(RetryAction.NEXT_BACKEND, null);
    }
    record(run, a, number, status, RetryAction.SUCCEEDED, "succeeded", t0, false, true, Usage.NONE, null);
    int index = run.records.size() - 1;
    // keep only what arrived: a held-open stream should not pin a full read buffer
    StreamBody body = new StreamBody(run, a, index, response, call, java.util.Arrays.copyOf(first, Math.max(n, 0)),
        Math.max(n, 0), n < 0);
    GatewayResponse out = new GatewayResponse(run.plan.requestId(), status, responseNames(response),
        responseValues(response), body, null, true, a.provider(), a.model(), run.records, run.plan.rejected());
    gateway.log(new RequestRecord(run.plan.requestId(), run.plan.accessKeyId(), run.plan.surface(),
        run.startedAt, 0, null, run.records));
    return new Outcome(RetryAction.SUCCEEDED, out);
  }

  /**
   * The body of a served stream: the first bytes already read, then the rest as it arrives. A break
   * after the first byte becomes {@link IncompleteStreamException}; the end of the stream records usage.
   */
  private final class StreamBody extends InputStream {
    private final Run run;
    private final PlannedAttempt attempt;
    private final int recordIndex;
    private final UpstreamResponse response;
    private final UpstreamCall call;
    private final byte[] head;
    private int headPos;
    private final int headLen;
    private final byte[] tail = new byte[2048]; // the usage event of a stream is its last, and short
    private int tailLen;
    private boolean ended;
    private boolean closed;
    private @Nullable IncompleteStreamException broken;

    StreamBody(Run run, PlannedAttempt attempt, int recordIndex, UpstreamResponse response, UpstreamCall call,
        byte[] head, int headLen, boolean ended) {
      this.run = run;
      this.attempt = attempt;
      this.recordIndex = recordIndex;
      this.response = response;
      this.call = call;
      this.head = head;
      this.headLen = headLen;
      this.ended = ended;
      if (ended) {
        complete();
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (headPos < headLen) {
        int n = Math.min(len, headLen - headPos);
        System.arraycopy(head, headPos, b, off, n);
        headPos += n;
        return n;
      }
      if (ended || closed) {
        return -1;
      }
      if (broken != null) {
        throw broken; // every later read fails too: a broken stream never turns into a clean end
      }
      int n;
      try {
        n = response.body().read(b, off, len);
      } catch (IOException e) {
        fail(e);
        broken = new IncompleteStreamException(run.plan.requestId(), "The provider's stream broke after "
            + "the response had started (" + describe(e) + ").", e);
        throw broken;
      }
      if (n < 0) {
        ended = true;
        complete();
        return -1;
      }
      remember(b, off, n);
      return n;
    }

    private void remember(byte[] b, int off, int n) {
      if (n >= tail.length) {
        System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
        tailLen = tail.length;
      } else {
        int keep = Math.min(tailLen, tail.length - n);
        System.arraycopy(tail, tailLen - keep, tail, 0, keep);
        System.arraycopy(b, off, tail, keep, n);
        tailLen = keep + n;
      }
    }

    private void complete() {
      Usage usage = Usage.scan(head, 0, headLen).merge(Usage.scan(tail, 0, tailLen));
      AttemptRecord r = run.records.get(recordIndex).withUsage(usage.input, usage.output);
      run.records.set(recordIndex, r);
      chargeUsage(run, attempt, usage);
      closeQuietly(response);
      finish(run, r.statusCode(), null);
    }

    private void fail(IOException e) {
      run.records.set(recordIndex, run.records.get(recordIndex).streamFailed());
      closeQuietly(response);
      finish(run, run.records.get(recordIndex).statusCode(), "stream_failed");
      LOG.debug("request {}: stream from {} broke: {}", run.plan.requestId(), attempt.provider(), describe(e));
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (!ended) {
        call.cancel(); // the client went away: stop the provider's work too
        closeQuietly(response);
        finish(run, run.records.get(recordIndex).statusCode(), "client_closed");
      }
    }
  }

  private void chargeUsage(Run run, PlannedAttempt a, Usage usage) {
    if (usage == Usage.NONE) {
      return;
    }
    try {
      ledger.record(new CreditLedger.Usage(run.plan.accessKeyId(), a.provider(), a.model(), usage.input,
          usage.output));
    } catch (RuntimeException e) {
      LOG.warn("CreditLedger.record threw; ignored", e);
    }
  }

  private UpstreamRequest buildRequest(Run run, Candidate c, Provider provider, PlannedAttempt a, SecretValue secret,
      byte[] body, Duration timeout) {
    GatewayRequest r = run.plan.request();
    String query = r.query();
    String url = provider.baseUrl() + r.surface().path() + (query == null || query.isEmpty() ? "" : "?" + query);
    UpstreamRequest.Builder b = UpstreamRequest.builder().url(url).body(body).timeout(timeout)
        .stream(run.plan.stream()).provider(a.provider(), a.providerKeyId());
    String authHeader = provider.authHeader();
    boolean hasContentType = false;
    for (int i = 0; i < run.fwdNames.size(); i++) {
      String name = run.fwdNames.get(i);
      if (name.equalsIgnoreCase(authHeader)) {
        continue; // set, not added: exactly one credential header goes upstream
      }
      if (name.equalsIgnoreCase("content-type")) {
        hasContentType = true;
      }
      b.header(name, run.fwdValues.get(i));
    }
    if (!hasContentType) {
      b.header("Content-Type", "application/json");
    }
    b.header(authHeader, provider.authPrefix() + secret.reveal());
    provider.defaultHeaders().forEach((name, value) -> {
      if (!containsIgnoreCase(run.fwdNames, name)) {
        b.header(name, value);
      }
    });
    return b.build();
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

  private AttemptRecord record(Run run, PlannedAttempt a, int number, int status, RetryAction action,
      String completion, long t0, boolean timedOut, boolean streaming, Usage usage, @Nullable String error) {
    long millis = Math.max(0, (clock.nanoTime() - t0) / 1_000_000);
    AttemptRecord r = new AttemptRecord(number, a.provider(), a.model(), a.providerKeyId(),
        a.managed() ? "managed" : "user", status, action, completion, millis, timedOut, streaming, usage.input,
        usage.output, error);
    run.records.add(r);
    gateway.notifyAttempt(run.plan, r);
    return r;
  }

  private void finish(Run run, int status, @Nullable String errorCode) {
    gateway.log(new RequestRecord(run.plan.requestId(), run.plan.accessKeyId(), run.plan.surface(),
        run.startedAt, status, errorCode, run.records));
  }

  private GatewayException exhausted(Run run) {
    ErrorCode code;
    String message;
    Duration retryAfter = null;
    if (run.timedOut) {
      code = ErrorCode.GATEWAY_TIMEOUT;
      message = "Request timed out after " + gateway.limits().totalTimeout().toMillis() + " ms.";
    } else if (run.records.isEmpty()) {
      code = ErrorCode.NO_CREDENTIALS;
      message = "No credential could be resolved for any candidate.";
    } else if (run.allRateLimited) {
      code = ErrorCode.RATE_LIMITED;
      long shortest = Long.MAX_VALUE;
      for (AttemptRecord r : run.records) {
        String key = r.providerKeyId() != null ? r.providerKeyId() : "managed:" + r.provider();
        shortest = Math.min(shortest, cooldowns.remaining(key).toNanos());
      }
      retryAfter = Duration.ofNanos(shortest == Long.MAX_VALUE ? 0 : shortest);
      message = "Every attempt was rate limited; retry after " + Math.max(1, (retryAfter.toMillis() + 999) / 1000)
          + " s.";
    } else {
      code = ErrorCode.ALL_PROVIDERS_FAILED;
      StringBuilder sb = new StringBuilder("All providers failed:");
      for (AttemptRecord r : run.records) {
        sb.append(' ').append(r.provider()).append('/').append(r.model()).append(" (")
            .append(r.providerKeyId() == null ? "managed" : r.providerKeyId()).append("): ")
            .append(r.statusCode() == 0 ? r.error() : String.valueOf(r.statusCode())).append(';');
      }
      message = sb.substring(0, sb.length() - 1) + ".";
    }
    if (run.attempts >= gateway.limits().maxAttempts() && !run.timedOut && code != ErrorCode.RATE_LIMITED) {
      message += " (attempt budget of " + gateway.limits().maxAttempts() + " reached)";
    }
    FailoverExhaustedException e = new FailoverExhaustedException(code, message, run.plan.requestId(), run.records,
        run.plan.rejected(), retryAfter);
    for (Throwable t : run.failures) {
      e.addSuppressed(t);
    }
    finish(run, code.status(), code.code());
    return e;
  }

  // ------------------------------------------------------------------ helpers

  static void checkHeader(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\r' || ch == '\n' || ch == 0) {
        throw new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request: header " + safeName(name)
            + " contains a control character.");
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch <= 0x20 || ch >= 0x7f || ch == ':') {
        throw new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request: a header name is malformed.");
      }
    }
  }

  private static String safeName(String name) {
    return name.replaceAll("[^A-Za-z0-9-]", "?");
  }

  private static boolean listedInConnection(GatewayRequest r, String name) {
    String connection = r.header("connection");
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsIgnoreCase(List<String> names, String name) {
    for (String n : names) {
      if (n.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isEventStream(UpstreamResponse r) {
    String type = r.header("content-type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
  }

  static List<String> responseNames(UpstreamResponse r) {
    List<String> out = new ArrayList<>(r.headerNames().size());
    for (String n : r.headerNames()) {
      if (!DROPPED_RESPONSE_HEADERS.contains(n.toLowerCase(Locale.ROOT))) {
        out.add(n);
      }
    }
    return out;
  }

  static List<String> responseValues(UpstreamResponse r) {
    List<String> out = new ArrayList<>(r.headerNames().size());
    for (int i = 0; i < r.headerNames().size(); i++) {
      if (!DROPPED_RESPONSE_HEADERS.contains(r.headerNames().get(i).toLowerCase(Locale.ROOT))) {
        out.add(r.headerValues().get(i));
      }
    }
    return out;
  }

  static byte[] readAll(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      total += n;
      if (total > max) {
        throw new IOException("response larger than " + max + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  static void closeQuietly(UpstreamResponse r) {
    try {
      r.close();
    } catch (IOException | RuntimeException e) {
      // already failed or closed
    }
  }

  /** A transport failure in a few words: its type and message, which name hosts but never secrets. */
  static String describe(Throwable e) {
    String msg = e.getMessage();
    String s = e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    return s.length() > 200 ? s.substring(0, 200) : s;
  }
}
