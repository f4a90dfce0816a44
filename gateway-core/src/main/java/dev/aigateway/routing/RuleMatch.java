package dev.aigateway.routing;

import java.util.Objects;

/**
 * Which routing rule served a candidate.
 *
 * @param kind a {@code model} or {@code provider} rule, or {@code DEFAULT} when none matched
 * @param ruleIndex index in {@code router.rules}, or -1 for default routing
 */
public record RuleMatch(Kind kind, int ruleIndex) {
  public static final RuleMatch DEFAULT = new RuleMatch(Kind.DEFAULT, -1);

  /** What a rule matches on. */
  public enum Kind {
    /** A rule with {@code model}: it wins over a provider rule. */
    MODEL,
    /** A rule with {@code provider}. */
    PROVIDER,
    /** No rule matched: the provider's stored keys, then its managed credential. */
    DEFAULT
  }

  public RuleMatch {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.DEFAULT) != (ruleIndex < 0)) {
      throw new IllegalArgumentException("ruleIndex must be -1 exactly for DEFAULT but was " + ruleIndex + " for "
          + kind);
    }
  }

  public boolean isDefault() {
    return kind == Kind.DEFAULT;
  }

  /** {@code router.rules[2] (model rule)} or {@code default routing}. */
  public String describe() {
    return isDefault() ? "default routing"
        : "router.rules[" + ruleIndex + "] (" + (kind == Kind.MODEL ? "model" : "provider") + " rule)";
  }
}
