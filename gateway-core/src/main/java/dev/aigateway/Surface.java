package dev.aigateway;

import org.jspecify.annotations.Nullable;

/** The API surfaces the gateway serves under {@code /v1/}. */
public enum Surface {
  CHAT_COMPLETIONS("chat-completions", "/chat/completions", Format.OPENAI),
  COMPLETIONS("completions", "/completions", Format.OPENAI),
  EMBEDDINGS("embeddings", "/embeddings", Format.OPENAI),
  RESPONSES("responses", "/responses", Format.OPENAI),
  MESSAGES("messages", "/messages", Format.ANTHROPIC);

  /** The wire format of requests, responses and errors on a surface. */
  public enum Format {
    OPENAI,
    ANTHROPIC
  }

  private final String id;
  private final String path;
  private final Format format;

  Surface(String id, String path, Format format) {
    this.id = id;
    this.path = path;
    this.format = format;
  }

  /** The name used in provider definitions: {@code chat-completions}, {@code messages}, ... */
  public String id() {
    return id;
  }

  /** The path after {@code /v1}: {@code /chat/completions}. */
  public String path() {
    return path;
  }

  public Format format() {
    return format;
  }

  public static @Nullable Surface fromId(String id) {
    for (Surface s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    return null;
  }

  /** The surface of a gateway path such as {@code /v1/chat/completions}; null if none. */
  public static @Nullable Surface fromPath(String path) {
    if (!path.startsWith("/v1/")) {
      return null;
    }
    int end = path.length();
    while (end > 4 && path.charAt(end - 1) == '/') {
      end--;
    }
    String rest = path.substring(3, end);
    for (Surface s : values()) {
      if (s.path.equals(rest)) {
        return s;
      }
    }
    return null;
  }
}
