package dev.aigateway;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a provider's response headers reach the client. Hop-by-hop and framing fields, and any field
 * the provider's {@code Connection} header names, never do, whatever the policy. Beyond those,
 * {@link #defaults()} drops the fields that identify the host's provider account ({@code
 * openai-organization}, {@code openai-project}, {@code anthropic-organization-id}) and cookies, and passes
 * the rest (request ids, rate-limit headers, content type). Immutable and thread-safe.
 *
 * <pre>{@code
 * Gateway.builder().responseHeaders(ResponseHeaderPolicy.defaults().keep("openai-project"));
 * Gateway.builder().responseHeaders(ResponseHeaderPolicy.only("content-type", "x-request-id"));
 * }</pre>
 */
public final class ResponseHeaderPolicy {
  private static final Set<String> ACCOUNT = Set.of("openai-organization", "openai-project",
      "anthropic-organization-id", "set-cookie", "set-cookie2");
  private static final ResponseHeaderPolicy DEFAULTS = new ResponseHeaderPolicy(false, ACCOUNT);

  /** With {@code allowList}: the only names passed; otherwise: the names dropped. Lower case. */
  private final boolean allowList;
  private final Set<String> names;

  private ResponseHeaderPolicy(boolean allowList, Set<String> names) {
    this.allowList = allowList;
    this.names = Collections.unmodifiableSet(new TreeSet<>(names));
  }

  /** Passes everything but the provider-account fields and cookies (see the class description). */
  public static ResponseHeaderPolicy defaults() {
    return DEFAULTS;
  }

  /** Passes only these fields (case-insensitive names); everything else is dropped. */
  public static ResponseHeaderPolicy only(String... names) {
    return new ResponseHeaderPolicy(true, lower(names));
  }

  /** This policy, also dropping these fields. */
  public ResponseHeaderPolicy drop(String... names) {
    Set<String> n = new TreeSet<>(this.names);
    if (allowList) {
      n.removeAll(lower(names));
    } else {
      n.addAll(lower(names));
    }
    return new ResponseHeaderPolicy(allowList, n);
  }

  /** This policy, also passing these fields (for example an account id the client is meant to see). */
  public ResponseHeaderPolicy keep(String... names) {
    Set<String> n = new TreeSet<>(this.names);
    if (allowList) {
      n.addAll(lower(names));
    } else {
      n.removeAll(lower(names));
    }
    return new ResponseHeaderPolicy(allowList, n);
  }

  /** Whether a field of this name may reach the client (hop-by-hop fields aside, which never do). */
  public boolean passes(String name) {
    boolean listed = names.contains(name.toLowerCase(Locale.ROOT));
    return allowList == listed;
  }

  private static Set<String> lower(String... names) {
    Objects.requireNonNull(names, "names");
    Set<String> out = new TreeSet<>();
    for (String n : Arrays.asList(names)) {
      out.add(Objects.requireNonNull(n, "name").toLowerCase(Locale.ROOT));
    }
    return out;
  }

  @Override
  public String toString() {
    return (allowList ? "ResponseHeaderPolicy.only" : "ResponseHeaderPolicy.dropping") + names;
  }
}
