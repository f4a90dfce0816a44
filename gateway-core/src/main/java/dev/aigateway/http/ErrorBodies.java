package dev.aigateway.http;

import dev.aigateway.internal.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.failover.AttemptRecord;
import dev.aigateway.ErrorCode;
import dev.aigateway.FailoverExhaustedException;
import dev.aigateway.GatewayException;
import dev.aigateway.Surface;
import java.io.UncheckedIOException;

/**
 * Error bodies in each surface's own format. OpenAI surfaces:
 * {@code {"error":{"message","type","code","param":null},"request_id"}}; {@code /v1/messages}:
 * {@code {"type":"error","error":{"type","message"},"request_id"}} (the gateway code is the OpenAI
 * body's {@code code}; Anthropic's shape has no such field). When failover ran out,
 * {@code error.attempts} lists each attempt (provider, model, key id, status, verdict).
 */
public final class ErrorBodies {
  private ErrorBodies() {}

  /**
   * The UTF-8 JSON error body of {@code e} in {@code format}, carrying {@code requestId}. Holds the error's
   * message, type and code only: never a token or provider secret (exceptions never carry them).
   */
  public static byte[] json(Surface.Format format, String requestId, GatewayException e) {
    ErrorCode code = e.code();
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode err;
    if (format == Surface.Format.ANTHROPIC) {
      root.put("type", "error");
      err = root.putObject("error");
      err.put("type", code.type());
      err.put("message", e.getMessage());
    } else {
      err = root.putObject("error");
      err.put("message", e.getMessage());
      err.put("type", code.type());
      err.put("code", code.code());
      err.putNull("param");
    }
    if (e instanceof FailoverExhaustedException exhausted) {
      ArrayNode list = err.putArray("attempts");
      for (AttemptRecord a : exhausted.attempts()) {
        ObjectNode n = list.addObject();
        n.put("attemptNumber", a.attemptNumber());
        n.put("provider", a.provider());
        n.put("model", a.model());
        if (a.providerKeyId() == null) {
          n.putNull("providerKeyId");
        } else {
          n.put("providerKeyId", a.providerKeyId());
        }
        n.put("keySource", a.keySource().json());
        n.put("statusCode", a.statusCode());
        n.put("retryAction", a.retryAction().json());
        n.put("completion", a.completion().json());
      }
    }
    root.put("request_id", requestId);
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
