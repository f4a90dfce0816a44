package dev.aigateway.routing;

import dev.aigateway.internal.json.BodyScanner;
import dev.aigateway.internal.plan.EngineAccess;

import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The offline answer to "where does this request go": the authenticated key, the candidate models in
 * order with their attempts, and the candidates that were rejected and why. Made by
 * {@link dev.aigateway.Gateway#plan(GatewayRequest)} without any network. Holds no secret.
 */
public final class RoutePlan {
  static {
    EngineAccess.register(new EngineAccess.Plans() {
      @Override
      public RoutePlan create(String requestId, GatewayRequest request, String accessKeyId,
          @Nullable String accessKeyName, @Nullable String configurationId, @Nullable String configurationName,
          List<Candidate> candidates, List<RejectedCandidate> rejected, BodyScanner.Result scan) {
        RoutePlan plan = new RoutePlan(requestId, request, accessKeyId, accessKeyName, configurationId,
            configurationName, scan.model, scan.models != null, scan.stream, candidates, rejected);
        plan.scan = scan;
        return plan;
      }

      @Override
      public BodyScanner.Result scan(RoutePlan plan) {
        BodyScanner.Result s = plan.scan;
        if (s == null) {
          byte[] body = EngineAccess.requests().body(plan.request);
          s = BodyScanner.scan(body, 0, body.length); // a plan a host built itself
          plan.scan = s;
        }
        return s;
      }
    });
  }

  private final String requestId;
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
  /** The body scan the gateway made while planning, so execution never scans again. */
  private BodyScanner.@Nullable Result scan;

  private RoutePlan(Builder b) {
    this(Objects.requireNonNull(b.requestId, "requestId"), Objects.requireNonNull(b.request, "request"),
        Objects.requireNonNull(b.accessKeyId, "accessKeyId"), b.accessKeyName, b.configurationId, b.configurationName,
        b.bodyModel, b.bodyHasModels, b.stream, b.candidates, b.rejected);
  }

  private RoutePlan(String requestId, GatewayRequest request, String accessKeyId, @Nullable String accessKeyName,
      @Nullable String configurationId, @Nullable String configurationName, @Nullable String bodyModel,
      boolean bodyHasModels, boolean stream, List<Candidate> candidates, List<RejectedCandidate> rejected) {
    this.requestId = requestId;
    this.request = request;
    this.accessKeyId = accessKeyId;
    this.accessKeyName = accessKeyName;
    this.configurationId = configurationId;
    this.configurationName = configurationName;
    this.bodyModel = bodyModel;
    this.bodyHasModels = bodyHasModels;
    this.stream = stream;
    this.candidates = List.copyOf(candidates);
    this.rejected = List.copyOf(rejected);
  }

  /**
   * A builder. {@code Gateway.plan} makes the plans it executes; a host builds one to test code that
   * consumes plans.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The request id ({@code rq_...}) reported in {@code AIG-Request-Id}. */
  public String requestId() {
    return requestId;
  }

  public Surface surface() {
    return request.surface();
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
    sb.append("request ").append(requestId).append(" on ").append(request.surface().id()).append(stream ? " (stream)" : "")
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
          sb.append("step ").append(at.stepIndex()).append(" (").append(at.stepName()).append(") ");
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
        if (at.waitRequested()) {
          sb.append(" [the provider asked to wait: not called before then]");
        } else if (at.coolingDown()) {
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

  /** Builds a {@link RoutePlan}; {@link #build()} copies the lists. */
  public static final class Builder {
    private @Nullable String requestId;
    private @Nullable GatewayRequest request;
    private @Nullable String accessKeyId;
    private @Nullable String accessKeyName;
    private @Nullable String configurationId;
    private @Nullable String configurationName;
    private @Nullable String bodyModel;
    private boolean bodyHasModels;
    private boolean stream;
    private List<Candidate> candidates = List.of();
    private List<RejectedCandidate> rejected = List.of();

    private Builder() {}

    public Builder requestId(String requestId) {
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      return this;
    }

    /** The request planned; its surface is the plan's. */
    public Builder request(GatewayRequest request) {
      this.request = Objects.requireNonNull(request, "request");
      return this;
    }

    public Builder accessKey(String id, @Nullable String name) {
      this.accessKeyId = Objects.requireNonNull(id, "id");
      this.accessKeyName = name;
      return this;
    }

    public Builder configuration(@Nullable String id, @Nullable String name) {
      this.configurationId = id;
      this.configurationName = name;
      return this;
    }

    /** What the body asked for: its {@code model}, whether it had a {@code "models"} list, whether it streams. */
    public Builder body(@Nullable String model, boolean hasModels, boolean stream) {
      this.bodyModel = model;
      this.bodyHasModels = hasModels;
      this.stream = stream;
      return this;
    }

    public Builder candidates(List<Candidate> candidates) {
      this.candidates = Objects.requireNonNull(candidates, "candidates");
      return this;
    }

    public Builder rejected(List<RejectedCandidate> rejected) {
      this.rejected = Objects.requireNonNull(rejected, "rejected");
      return this;
    }

    public RoutePlan build() {
      if (requestId == null || request == null || accessKeyId == null) {
        throw new IllegalStateException("requestId, request and accessKey are required");
      }
      return new RoutePlan(this);
    }
  }
}
