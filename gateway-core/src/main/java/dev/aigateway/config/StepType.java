package dev.aigateway.config;

/** The kind of a routing step. */
public enum StepType {
  /** The host's own provider keys, listed in the step. */
  USER,
  /** The host-supplied managed credential for the provider ({@code "ngrok"} or {@code "managed"} in JSON). */
  MANAGED
}
