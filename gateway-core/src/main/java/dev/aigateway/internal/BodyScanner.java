package dev.aigateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Scans a request body with Jackson's streaming parser for the top-level {@code model}, {@code models}
 * and {@code stream} fields, without binding a tree. The whole document is tokenized, so a body that is
 * not JSON is refused here rather than by the provider.
 */
public final class BodyScanner {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(256)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNumberLength(1000)
          .build())
      .build();

  /** What the scan found. */
  public static final class Result {
    public final @Nullable String model;
    public final @Nullable List<String> models;
    public final boolean stream;

    Result(@Nullable String model, @Nullable List<String> models, boolean stream) {
      this.model = model;
      this.models = models;
      this.stream = stream;
    }
  }

  private BodyScanner() {}

  public static Result scan(byte[] body, int offset, int length) {
    String model = null;
    List<String> models = null;
    boolean stream = false;
    try (JsonParser p = FACTORY.createParser(body, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw invalid("the body must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "model":
            if (v == JsonToken.VALUE_STRING) {
              model = p.getText();
            } else if (v != JsonToken.VALUE_NULL) {
              throw invalid("model must be a string");
            }
            break;
          case "models":
            if (v == JsonToken.START_ARRAY) {
              models = new ArrayList<>(4);
              JsonToken e;
              while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e != JsonToken.VALUE_STRING) {
                  throw invalid("models must be an array of strings");
                }
                models.add(p.getText());
              }
            } else if (v != JsonToken.VALUE_NULL) {
              throw invalid("models must be an array of strings");
            }
            break;
          case "stream":
            stream = v == JsonToken.VALUE_TRUE;
            break;
          default:
            p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        throw invalid("the body is not valid JSON");
      }
      if (p.nextToken() != null) {
        throw invalid("trailing content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw invalid("the body is not valid JSON" + location(e));
    } catch (IOException e) {
      throw invalid("the body could not be read");
    }
    return new Result(model, models, stream);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  private static GatewayException invalid(String message) {
    return new GatewayException(ErrorCode.INVALID_REQUEST_BODY, "Invalid request body: " + message);
  }
}
