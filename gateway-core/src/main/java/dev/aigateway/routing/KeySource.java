package dev.aigateway.routing;

/** Where an attempt's credential comes from (the reference's {@code keySource}). */
public enum KeySource {
  /** One of the host's own provider keys. */
  USER("user"),
  /** The host-supplied managed credential for the provider. */
  MANAGED("managed");

  private final String json;

  KeySource(String json) {
    this.json = json;
  }

  /** The wire spelling: {@code user} or {@code managed}. */
  public String json() {
    return json;
  }
}
