package dev.aigateway;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The offline answer to "where does this request go": the authenticated key, the candidate models in
 * order with their attempts, and the candidates that were rejected and why. Made by
 * {@link Gateway#plan(GatewayRequest)} without any network. Holds no secret.
 */
public final class RoutePlan {
  private final String requestId;
  private final Surface surface;
  private final String accessKeyId;
  private final @Nullable String accessKeyName;
  private final @Nullable String configurationId;
  private final @Nullable String configurationName;
  private final @Nullable String bodyModel;
  private final boolean bodyHasModels;
  private final boolean stream;
  private final List<Candidate> candidates;
  private final List<RejectedCandidate> rejected;
  private final GatewayRequest request;

  RoutePlan(String requestId, Surface surface, String accessKeyId, @Nullable String accessKeyName,
      @Nullable String configurationId, @Nullable String configurationName, @Nullable String bodyModel,
      boolean bodyHasModels, boolean stream, List<Candidate> candidates, List<RejectedCandidate> rejected,
      GatewayRequest request) {
    this.requestId = requestId;
    this.surface = surface;
    this.accessKeyId = accessKeyId;
    this.accessKeyName = accessKeyName;
    this.configurationId = configurationId;
    this.configurationName = configurationName;
    this.bodyModel = bodyModel;
    this.bodyHasModels = bodyHasModels;
    this.stream = stream;
    this.candidates = candidates;
    this.rejected = rejected;
    this.request = request;
  }

  /** The request id ({@code rq_...}) reported in {@code AIG-Request-Id}. */
  public String requestId() {
    return requestId;
  }

  public Surface surface() {
    return surface;
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public @Nullable String accessKeyName() {
    return accessKeyName;
  }

  /** The linked configuration, or null for allow-all scope and default routing. */
  public @Nullable String configurationId() {
    return configurationId;
  }

  /** The body's {@code model} field as sent, or null. */
  public @Nullable String bodyModel() {
    return bodyModel;
  }

  /** Whether the body carried a {@code models} field (removed before forwarding). */
  public boolean bodyHasModels() {
    return bodyHasModels;
  }

  /** Whether the client asked for a stream ({@code "stream": true}). */
  public boolean stream() {
    return stream;
  }

  /** Candidates that will be tried, in order; never empty. */
  public List<Candidate> candidates() {
    return candidates;
  }

  /** Candidates skipped (out of scope, unknown, wrong surface), for {@code AIG-Rejected-Models}. */
  public List<RejectedCandidate> rejected() {
    return rejected;
  }

  /** Every attempt of every candidate, in order. */
  public List<PlannedAttempt> attempts() {
    List<PlannedAttempt> out = new ArrayList<>();
    for (Candidate c : candidates) {
      out.addAll(c.attempts());
    }
    return out;
  }

  /** The request this plan was made for. */
  public GatewayRequest request() {
    return request;
  }

  /** Whether the body must be rewritten before it goes upstream for this candidate. */
  public boolean needsRewrite(Candidate candidate) {
    return bodyHasModels || bodyModel == null || !bodyModel.equals(candidate.model());
  }

  /** A readable account of every decision: key, configuration, candidates, rules, steps, keys, rejections. */
  public String explain() {
    StringBuilder sb = new StringBuilder(256);
    sb.append("request ").append(requestId).append(" on ").append(surface.id()).append(stream ? " (stream)" : "")
        .append('\n');
    sb.append("access key ").append(accessKeyId);
    if (accessKeyName != null) {
      sb.append(" \"").append(accessKeyName).append('"');
    }
    if (configurationId == null) {
      sb.append(", no configuration: allow-all scope, default routing\n");
    } else {
      sb.append(", configuration ").append(configurationId);
      if (configurationName != null) {
        sb.append(" \"").append(configurationName).append('"');
      }
      sb.append('\n');
    }
    int n = 0;
    for (Candidate c : candidates) {
      sb.append("candidate ").append(++n).append(": \"").append(c.requested()).append("\" (").append(c.source())
          .append(") -> ").append(c.provider()).append(" / ").append(c.model()).append(", resolved by ")
          .append(c.resolvedBy()).append("; ").append(c.rule().describe()).append('\n');
      int a = 0;
      for (PlannedAttempt at : c.attempts()) {
        sb.append("  attempt ").append(++a).append(": ");
        if (at.stepIndex() >= 0) {
          sb.append("step ").append(at.stepIndex()).append(" (").append(at.stepType()).append(") ");
        } else {
          sb.append("default ");
        }
        if (at.managed()) {
          sb.append("managed credential");
        } else {
          sb.append("provider key ").append(at.providerKeyId());
          if (at.providerKeyName() != null) {
            sb.append(" \"").append(at.providerKeyName()).append('"');
          }
        }
        if (at.coolingDown()) {
          sb.append(" [cooling down: tried last]");
        }
        sb.append('\n');
      }
    }
    for (RejectedCandidate r : rejected) {
      sb.append("rejected: \"").append(r.requested()).append("\" (").append(r.source()).append("): ")
          .append(r.code().code()).append(": ").append(r.reason()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "RoutePlan[" + requestId + ", key=" + accessKeyId + ", candidates=" + candidates.size() + ", attempts="
        + attempts().size() + ", rejected=" + rejected.size() + "]";
  }
}
