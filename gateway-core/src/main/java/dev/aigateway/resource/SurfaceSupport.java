package dev.aigateway.resource;

import dev.aigateway.Surface;
import java.util.List;
import java.util.Objects;

/**
 * One API surface a custom provider serves: {@code {"format":"openai","surface":"chat-completions",
 * "supportedParams":[{"name":"temperature"}]}}. An empty parameter list means no filtering.
 */
public record SurfaceSupport(Surface.Format format, Surface surface, List<String> supportedParams) {
  public SurfaceSupport {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(surface, "surface");
    supportedParams = List.copyOf(supportedParams);
  }

  public static SurfaceSupport of(Surface surface) {
    return new SurfaceSupport(surface.format(), surface, List.of());
  }
}
