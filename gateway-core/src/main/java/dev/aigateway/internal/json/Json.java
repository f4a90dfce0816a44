package dev.aigateway.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.config.ConfigurationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strict JSON reading for configuration and management bodies: limits on depth and size, duplicate
 * keys refused, every error a {@link ConfigurationException} naming the JSON path. No raw Jackson
 * exception ever reaches a user.
 */
public final class Json {
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxStringLength(1 << 20)
          .maxNumberLength(32)
          .maxDocumentLength(8L << 20)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private Json() {}

  /** Parses a document that must be a JSON object. */
  public static ObjectNode parseObject(byte[] body) {
    JsonNode node;
    try (JsonParser p = FACTORY.createParser(body)) {
      node = MAPPER.readTree(p);
      if (p.nextToken() != null) {
        throw new ConfigurationException("", "trailing content after the JSON value");
      }
    } catch (JsonProcessingException e) {
      throw new ConfigurationException("", "not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw new ConfigurationException("", "could not read the body: " + e.getClass().getSimpleName());
    }
    if (node == null || node.isMissingNode()) {
      throw new ConfigurationException("", "the body is empty; a JSON object is required");
    }
    if (!node.isObject()) {
      throw new ConfigurationException("", "must be a JSON object but was " + typeName(node));
    }
    return (ObjectNode) node;
  }

  public static ObjectNode parseObject(String body) {
    return parseObject(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The parser's complaint without echoing the document (which may hold secrets). */
  static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    if (msg == null) {
      msg = e.getClass().getSimpleName();
    }
    // Jackson quotes offending tokens; keep at most a short, non-secret-looking part.
    int cut = msg.indexOf('\n');
    if (cut >= 0) {
      msg = msg.substring(0, cut);
    }
    msg = msg.replaceAll("'[^']{9,}'", "'…'").replaceAll("\"[^\"]{9,}\"", "\"…\"");
    if (e.getLocation() != null) {
      msg += " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
    return msg;
  }

  public static String typeName(JsonNode n) {
    JsonNodeType t = n.getNodeType();
    return switch (t) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Reads one JSON object's fields, refusing unknown ones and naming paths in every error. */
  public static final class Obj {
    private final ObjectNode node;
    private final String path;

    public Obj(ObjectNode node, String path) {
      this.node = node;
      this.path = path;
    }

    public static Obj of(JsonNode node, String path) {
      if (!node.isObject()) {
        throw new ConfigurationException(path, "must be an object but was " + typeName(node));
      }
      return new Obj((ObjectNode) node, path);
    }

    public String path() {
      return path;
    }

    public String child(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    public boolean has(String field) {
      return node.has(field);
    }

    /** Present and explicitly null. */
    public boolean isNull(String field) {
      JsonNode n = node.get(field);
      return n != null && n.isNull();
    }

    public void allowOnly(Set<String> fields) {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!fields.contains(name)) {
          throw new ConfigurationException(child(name), "unknown field; allowed fields are " + new java.util.TreeSet<>(fields));
        }
      }
    }

    public @Nullable JsonNode raw(String field) {
      JsonNode n = node.get(field);
      return n == null || n.isNull() ? null : n;
    }

    public @Nullable String optString(String field, int maxLength) {
      JsonNode n = raw(field);
      if (n == null) {
        return null;
      }
      if (!n.isTextual()) {
        throw new ConfigurationException(child(field), "must be a string but was " + typeName(n));
      }
      String s = n.textValue();
      if (s.length() > maxLength) {
        throw new ConfigurationException(child(field), "must be at most " + maxLength + " characters but was " + s.length());
      }
      return s;
    }

    public String reqString(String field, int maxLength) {
      String s = optString(field, maxLength);
      if (s == null) {
        throw new ConfigurationException(child(field), "is required");
      }
      if (s.isEmpty()) {
        throw new ConfigurationException(child(field), "must not be empty");
      }
      return s;
    }

    public @Nullable Integer optInt(String field, int min, int max) {
      JsonNode n = raw(field);
      if (n == null) {
        return null;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw new ConfigurationException(child(field), "must be an integer from " + min + " to " + max);
      }
      int v = n.intValue();
      if (v < min || v > max) {
        throw new ConfigurationException(child(field), "must be from " + min + " to " + max + " but was " + v);
      }
      return v;
    }

    public @Nullable Boolean optBoolean(String field) {
      JsonNode n = raw(field);
      if (n == null) {
        return null;
      }
      if (!n.isBoolean()) {
        throw new ConfigurationException(child(field), "must be a boolean but was " + typeName(n));
      }
      return n.booleanValue();
    }

    public @Nullable Obj optObj(String field) {
      JsonNode n = raw(field);
      return n == null ? null : Obj.of(n, child(field));
    }

    /** Elements of an array field, each with its path; null if absent or null. */
    public @Nullable List<Element> optArray(String field) {
      JsonNode n = raw(field);
      if (n == null) {
        return null;
      }
      if (!n.isArray()) {
        throw new ConfigurationException(child(field), "must be an array but was " + typeName(n));
      }
      List<Element> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        out.add(new Element(n.get(i), child(field) + "[" + i + "]"));
      }
      return out;
    }

    public @Nullable List<String> optStringArray(String field, int maxLength) {
      List<Element> els = optArray(field);
      if (els == null) {
        return null;
      }
      List<String> out = new ArrayList<>(els.size());
      for (Element e : els) {
        out.add(e.string(maxLength));
      }
      return out;
    }
  }

  /** One array element and its path. */
  public static final class Element {
    private final JsonNode node;
    private final String path;

    Element(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    public String path() {
      return path;
    }

    public JsonNode node() {
      return node;
    }

    public Obj obj() {
      return Obj.of(node, path);
    }

    public String string(int maxLength) {
      if (!node.isTextual()) {
        throw new ConfigurationException(path, "must be a string but was " + typeName(node));
      }
      String s = node.textValue();
      if (s.isEmpty()) {
        throw new ConfigurationException(path, "must not be empty");
      }
      if (s.length() > maxLength) {
        throw new ConfigurationException(path, "must be at most " + maxLength + " characters but was " + s.length());
      }
      return s;
    }
  }
}
