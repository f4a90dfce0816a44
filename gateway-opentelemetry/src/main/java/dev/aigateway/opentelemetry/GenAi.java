package dev.aigateway.opentelemetry;

import dev.aigateway.Surface;
import io.opentelemetry.api.common.AttributeKey;
import java.util.Map;

/** The GenAI semantic-convention names this module writes, and the mapping of gateway values to them. */
final class GenAi {
  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Boolean> REQUEST_STREAM = AttributeKey.booleanKey("gen_ai.request.stream");
  static final AttributeKey<Long> USAGE_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> USAGE_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Double> TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");

  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("aigateway.request.id");
  static final AttributeKey<String> ACCESS_KEY_ID = AttributeKey.stringKey("aigateway.access_key.id");
  static final AttributeKey<Long> ATTEMPT_NUMBER = AttributeKey.longKey("aigateway.attempt.number");
  static final AttributeKey<String> VERDICT = AttributeKey.stringKey("aigateway.attempt.verdict");
  static final AttributeKey<String> PROVIDER_KEY_ID = AttributeKey.stringKey("aigateway.provider_key.id");
  static final AttributeKey<String> PROVIDER_ID = AttributeKey.stringKey("aigateway.provider");

  /** Gateway provider ids whose well-known {@code gen_ai.provider.name} is spelled differently. */
  private static final Map<String, String> PROVIDERS = Map.of(
      "google", "gcp.gemini", // the generativelanguage.googleapis.com endpoint
      "mistral", "mistral_ai",
      "xai", "x_ai");

  private GenAi() {}

  /** {@code gen_ai.operation.name} of a surface. */
  static String operation(Surface surface) {
    return switch (surface) {
      case COMPLETIONS -> "text_completion";
      case EMBEDDINGS -> "embeddings";
      case CHAT_COMPLETIONS, RESPONSES, MESSAGES -> "chat";
    };
  }

  /** {@code gen_ai.provider.name} of a gateway provider id: the well-known value, else the id itself. */
  static String provider(String providerId) {
    return PROVIDERS.getOrDefault(providerId, providerId);
  }
}
