package dev.aigateway.internal.attempt;

import dev.aigateway.GatewayRequest;
import dev.aigateway.Headers;
import dev.aigateway.catalog.Provider;
import dev.aigateway.internal.json.BodyRewriter;
import dev.aigateway.resource.SecretValue;
import dev.aigateway.routing.Candidate;
import dev.aigateway.routing.PlannedAttempt;
import dev.aigateway.spi.UpstreamRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds the request one attempt sends: the provider's URL, the forwarded headers with the credential
 * set (not added) in the provider's scheme, and the body with {@code model} rewritten only when needed.
 */
final class UpstreamRequests {
  private UpstreamRequests() {}

  /**
   * The body for one candidate: the client's bytes, with {@code model} rewritten and {@code models}
   * removed only when needed, and top-level parameters the provider does not accept stripped.
   */
  static byte[] bodyFor(RequestRun run, Candidate c, Provider provider) {
    byte[] body = run.body;
    if (run.plan.needsRewrite(c)) {
      body = BodyRewriter.rewrite(body, 0, body.length, run.scan, c.model());
    }
    Set<String> accepted = provider.supportedParams(run.plan.surface());
    if (!accepted.isEmpty()) {
      Set<String> keep = new HashSet<>(accepted);
      keep.add("model");
      keep.add("stream");
      body = BodyRewriter.keepOnly(body, keep);
    }
    return body;
  }

  static UpstreamRequest build(RequestRun run, Provider provider, PlannedAttempt a, SecretValue secret, byte[] body,
      Duration timeout) {
    GatewayRequest r = run.plan.request();
    String query = r.query();
    String url = provider.baseUrl() + r.surface().path() + (query == null || query.isEmpty() ? "" : "?" + query);
    UpstreamRequest.Builder b = UpstreamRequest.builder().url(url).body(body).timeout(timeout)
        .stream(run.plan.stream()).provider(a.provider(), a.providerKeyId());
    String authHeader = provider.authHeader();
    Headers forwarded = run.forwarded;
    for (int i = 0; i < forwarded.size(); i++) {
      String name = forwarded.name(i);
      if (!name.equalsIgnoreCase(authHeader)) { // set, not added: exactly one credential header goes upstream
        b.header(name, forwarded.value(i));
      }
    }
    if (!forwarded.contains("content-type")) {
      b.header("Content-Type", "application/json");
    }
    b.header(authHeader, provider.authPrefix() + secret.reveal());
    provider.defaultHeaders().forEach((name, value) -> {
      if (!forwarded.contains(name)) {
        b.header(name, value);
      }
    });
    return b.build();
  }
}
