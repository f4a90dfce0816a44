package dev.aigateway;

/**
 * Which routing rule served a candidate.
 *
 * @param kind {@code model} or {@code provider} rule, or {@code default} when none matched
 * @param ruleIndex index in {@code router.rules}, or -1 for default routing
 */
public record RuleMatch(String kind, int ruleIndex) {
  public static final RuleMatch DEFAULT = new RuleMatch("default", -1);

  public boolean isDefault() {
    return ruleIndex < 0;
  }

  /** {@code router.rules[2] (model rule)} or {@code default routing}. */
  public String describe() {
    return ruleIndex < 0 ? "default routing" : "router.rules[" + ruleIndex + "] (" + kind + " rule)";
  }
}
