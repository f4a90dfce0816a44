package dev.aigateway.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user-defined provider ({@code aigp_} id, {@code providerId} name used in models and rules): base URL,
 * the API surfaces it serves, its models, and the header that carries its credential.
 */
public final class CustomProvider extends StoredResource {
  private final String providerId;
  private final String name;
  private final String baseUrl;
  private final @Nullable String metadata;
  private final List<SurfaceSupport> surfaces;
  private final List<String> models;
  private final @Nullable String authHeader;
  private final @Nullable String authValuePrefix;

  private CustomProvider(Builder b) {
    super(b);
    this.providerId = Objects.requireNonNull(b.providerId, "providerId");
    this.name = Objects.requireNonNull(b.name, "name");
    this.baseUrl = Objects.requireNonNull(b.baseUrl, "baseUrl");
    this.metadata = b.metadata;
    this.surfaces = List.copyOf(b.surfaces);
    this.models = List.copyOf(b.models);
    this.authHeader = b.authHeader;
    this.authValuePrefix = b.authValuePrefix;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = copyInto(new Builder());
    b.providerId = providerId;
    b.name = name;
    b.baseUrl = baseUrl;
    b.metadata = metadata;
    b.surfaces = new ArrayList<>(surfaces);
    b.models = new ArrayList<>(models);
    b.authHeader = authHeader;
    b.authValuePrefix = authValuePrefix;
    return b;
  }

  public String providerId() {
    return providerId;
  }

  public String name() {
    return name;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public @Nullable String metadata() {
    return metadata;
  }

  public List<SurfaceSupport> supportedApiSurfaces() {
    return surfaces;
  }

  /** Model ids this provider serves, as its API spells them. */
  public List<String> models() {
    return models;
  }

  /** Header carrying the credential; null: {@code Authorization} for OpenAI format, {@code x-api-key} for Anthropic. */
  public @Nullable String authHeader() {
    return authHeader;
  }

  /** Text before the secret in that header; null: {@code "Bearer "} for {@code Authorization}, none otherwise. */
  public @Nullable String authValuePrefix() {
    return authValuePrefix;
  }

  @Override
  public String toString() {
    return "CustomProvider[id=" + id() + ", providerId=" + providerId + ", baseUrl=" + baseUrl + ", models=" + models + "]";
  }

  public static final class Builder extends StoredResource.Builder<Builder> {
    private @Nullable String providerId;
    private @Nullable String name;
    private @Nullable String baseUrl;
    private @Nullable String metadata;
    private List<SurfaceSupport> surfaces = new ArrayList<>();
    private List<String> models = new ArrayList<>();
    private @Nullable String authHeader;
    private @Nullable String authValuePrefix;

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder providerId(String providerId) {
      this.providerId = Objects.requireNonNull(providerId, "providerId");
      return this;
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    public Builder metadata(@Nullable String metadata) {
      this.metadata = metadata;
      return this;
    }

    public Builder supportedApiSurfaces(List<SurfaceSupport> surfaces) {
      this.surfaces = new ArrayList<>(surfaces);
      return this;
    }

    public Builder models(List<String> models) {
      this.models = new ArrayList<>(models);
      return this;
    }

    public Builder authHeader(@Nullable String authHeader) {
      this.authHeader = authHeader;
      return this;
    }

    public Builder authValuePrefix(@Nullable String authValuePrefix) {
      this.authValuePrefix = authValuePrefix;
      return this;
    }

    public CustomProvider build() {
      if (id == null || providerId == null || baseUrl == null || createdAt == null) {
        throw new IllegalStateException("id, providerId, baseUrl and createdAt are required");
      }
      if (name == null) {
        name = providerId;
      }
      defaultUpdatedAt();
      return new CustomProvider(this);
    }
  }
}
