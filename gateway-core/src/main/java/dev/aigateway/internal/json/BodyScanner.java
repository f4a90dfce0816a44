package dev.aigateway.internal.json;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Scans a request body for the top-level {@code model}, {@code models} and {@code stream} fields in one
 * pass, validating the whole document as JSON (RFC 8259, UTF-8) without building a tree and without
 * allocating anything but the values it returns.
 *
 * <p>It replaces a Jackson streaming parser on the hot path: the same acceptance on well-formed and
 * malformed documents (a differential test runs both on generated inputs), at about a third of the
 * time and none of the parser's allocations. Differences: it is stricter on malformed UTF-8 (overlong
 * forms, surrogates, code points above U+10FFFF are refused) and it refuses a document that repeats
 * {@code model}, {@code models} or {@code stream}, since providers disagree on which copy wins.
 */
public final class BodyScanner extends JsonLexer {
  /** Deepest nesting accepted. */
  public static final int MAX_DEPTH = JsonLexer.MAX_DEPTH;

  private static final byte[] MODEL = "model".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MODELS = "models".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);

  /** What the scan found, with the byte positions a rewrite needs. */
  public static final class Result {
    public final @Nullable String model;
    public final @Nullable List<String> models;
    public final boolean stream;
    /** Position of the top-level object's opening brace. */
    public final int objectStart;
    /** Number of top-level members. */
    public final int members;
    /** The {@code model} value's span (quotes included); -1 when absent. */
    public final int modelValueStart;
    public final int modelValueEnd;
    /** The {@code models} member's span (key to end of value) and its neighbouring commas; -1 when absent. */
    public final int modelsMemberStart;
    public final int modelsMemberEnd;
    public final int modelsCommaBefore;
    public final int modelsCommaAfter;

    Result(@Nullable String model, @Nullable List<String> models, boolean stream, int objectStart, int members,
        int modelValueStart, int modelValueEnd, int modelsMemberStart, int modelsMemberEnd, int modelsCommaBefore,
        int modelsCommaAfter) {
      this.model = model;
      this.models = models;
      this.stream = stream;
      this.objectStart = objectStart;
      this.members = members;
      this.modelValueStart = modelValueStart;
      this.modelValueEnd = modelValueEnd;
      this.modelsMemberStart = modelsMemberStart;
      this.modelsMemberEnd = modelsMemberEnd;
      this.modelsCommaBefore = modelsCommaBefore;
      this.modelsCommaAfter = modelsCommaAfter;
    }
  }

  private BodyScanner(byte[] b, int offset, int length) {
    super(b, offset, length);
  }

  public static Result scan(byte[] body, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > body.length) {
      throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + body.length);
    }
    return new BodyScanner(body, offset, length).top();
  }

  private Result top() {
    String model = null;
    List<String> models = null;
    boolean stream = false;
    int seen = 0;
    int members = 0;
    int modelStart = -1;
    int modelEnd = -1;
    int modelsStart = -1;
    int modelsEnd = -1;
    int modelsBefore = -1;
    int modelsAfter = -1;
    int lastComma = -1;
    ws();
    if (i >= end) {
      throw invalid("the body is empty");
    }
    if (b[i] != '{') {
      throw invalid("the body must be a JSON object");
    }
    int objectStart = i;
    i++;
    ws();
    if (peek() == '}') {
      i++;
    } else {
      while (true) {
        ws();
        int memberStart = i;
        members++;
        expect('"');
        int keyStart = i;
        boolean escaped = skipStringBody();
        int keyEnd = i - 1;
        int which = escaped ? classify(decode(keyStart, keyEnd)) : classify(keyStart, keyEnd);
        if (which < 0) {
          throw invalid("a field named like model, models or stream must be spelled exactly so");
        }
        ws();
        expect(':');
        ws();
        switch (which) {
          case 1 -> {
            seen = once(seen, 1, "model");
            modelStart = i;
            model = modelName(stringOrNull("model must be a string"), "model");
            modelEnd = i;
          }
          case 2 -> {
            seen = once(seen, 2, "models");
            models = stringArrayOrNull();
            modelsStart = memberStart;
            modelsEnd = i;
            modelsBefore = lastComma;
          }
          case 4 -> {
            seen = once(seen, 4, "stream");
            stream = bool("stream must be true or false");
          }
          default -> skipValue(1);
        }
        ws();
        byte c = next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw invalid("expected ',' or '}' at byte " + (i - 1));
        }
        lastComma = i - 1;
        if (which == 2) {
          modelsAfter = lastComma;
        }
      }
    }
    ws();
    if (i != end) {
      throw invalid("trailing content after the JSON object");
    }
    return new Result(model, models, stream, objectStart, members, modelStart, modelEnd, modelsStart, modelsEnd,
        modelsBefore, modelsAfter);
  }

  /** One top-level member of an object body: its decoded key and its byte span (key through value). */
  public record Member(String key, int start, int end) {}

  /**
   * The top-level members of a body that {@link #scan} accepted, in order, with their byte spans.
   * Used only when a provider restricts the parameters it accepts.
   */
  public static List<Member> members(byte[] body, int offset, int length) {
    BodyScanner s = new BodyScanner(body, offset, length);
    List<Member> out = new ArrayList<>();
    s.ws();
    s.expect('{');
    s.ws();
    if (s.peek() == '}') {
      return out;
    }
    while (true) {
      s.ws();
      int start = s.i;
      s.expect('"');
      int keyStart = s.i;
      boolean escaped = s.skipStringBody();
      int keyEnd = s.i - 1;
      String key = escaped ? s.decode(keyStart, keyEnd) : new String(body, keyStart, keyEnd - keyStart,
          StandardCharsets.UTF_8);
      s.ws();
      s.expect(':');
      s.ws();
      s.skipValue(1);
      out.add(new Member(key, start, s.i));
      s.ws();
      if (s.next() == '}') {
        return out;
      }
    }
  }

  private static int once(int seen, int bit, String name) {
    if ((seen & bit) != 0) {
      throw invalid("duplicate field " + name);
    }
    return seen | bit;
  }

  /**
   * 1, 2 or 4 for {@code model}, {@code models}, {@code stream}; 0 for any other key; -1 for a key that
   * differs from one of them only in case or by a character that case-insensitive JSON bindings fold
   * onto it (Go's {@code encoding/json} reads {@code "Model"} or {@code "\u017Ftream"} as those fields).
   */
  private int classify(int from, int to) {
    int n = to - from;
    if (n == 5 && regionEquals(from, MODEL)) {
      return 1;
    }
    if (n == 6 && regionEquals(from, MODELS)) {
      return 2;
    }
    if (n == 6 && regionEquals(from, STREAM)) {
      return 4;
    }
    // a variant differs only in ASCII case (same length), or spells one 's' as U+017F, the one fold of
    // these letters beyond ASCII (two bytes in UTF-8: one byte longer); nothing else can be one
    if (n == 5) {
      return regionEqualsIgnoreCase(from, MODEL) ? -1 : 0;
    }
    if (n == 6) {
      return regionEqualsIgnoreCase(from, MODELS) || regionEqualsIgnoreCase(from, STREAM) ? -1 : 0;
    }
    if (n == 7) {
      for (int k = from; k < to; k++) {
        if (b[k] < 0) {
          return classify(new String(b, from, n, StandardCharsets.UTF_8));
        }
      }
    }
    return 0;
  }

  private boolean regionEqualsIgnoreCase(int from, byte[] word) {
    for (int k = 0; k < word.length; k++) {
      if ((b[from + k] | 0x20) != word[k]) {
        return false;
      }
    }
    return true;
  }

  private static int classify(String key) {
    return switch (key) {
      case "model" -> 1;
      case "models" -> 2;
      case "stream" -> 4;
      default -> {
        if (key.length() < 5 || key.length() > 6) {
          yield 0;
        }
        String folded = key.replace('\u017F', 's').replace('\u212A', 'k').toLowerCase(Locale.ROOT);
        yield folded.equals("model") || folded.equals("models") || folded.equals("stream") ? -1 : 0;
      }
    };
  }

  /** A model name as the body gave it; a control character in it is refused (it would reach headers). */
  private static @Nullable String modelName(@Nullable String name, String field) {
    if (name != null) {
      for (int k = 0; k < name.length(); k++) {
        char c = name.charAt(k);
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029') {
          throw invalid(field + " must not contain control characters");
        }
      }
    }
    return name;
  }

  /** {@code true}, {@code false} or {@code null} (false); anything else is refused. */
  private boolean bool(String message) {
    byte c = peek();
    if (c == 't') {
      literal("true");
      return true;
    }
    if (c == 'f') {
      literal("false");
      return false;
    }
    if (c == 'n') {
      literal("null");
      return false;
    }
    skipValue(1);
    throw invalid(message);
  }

  private boolean regionEquals(int from, byte[] word) {
    for (int k = 0; k < word.length; k++) {
      if (b[from + k] != word[k]) {
        return false;
      }
    }
    return true;
  }

  private @Nullable String stringOrNull(String message) {
    byte c = peek();
    if (c == 'n') {
      literal("null");
      return null;
    }
    if (c != '"') {
      if (c == '{' || c == '[' || c == 't' || c == 'f' || c == '-' || (c >= '0' && c <= '9')) {
        skipValue(1);
        throw invalid(message);
      }
      throw invalid("unexpected character at byte " + i);
    }
    i++;
    int start = i;
    boolean escaped = skipStringBody();
    return escaped ? decode(start, i - 1) : new String(b, start, i - 1 - start, StandardCharsets.UTF_8);
  }

  private @Nullable List<String> stringArrayOrNull() {
    byte c = peek();
    if (c == 'n') {
      literal("null");
      return null;
    }
    if (c != '[') {
      skipValue(1);
      throw invalid("models must be an array of strings");
    }
    i++;
    List<String> out = new ArrayList<>(4);
    ws();
    if (peek() == ']') {
      i++;
      return out;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        skipValue(2);
        throw invalid("models must be an array of strings");
      }
      out.add(modelName(stringOrNull("models must be an array of strings"), "models"));
      ws();
      byte d = next();
      if (d == ']') {
        return out;
      }
      if (d != ',') {
        throw invalid("expected ',' or ']' at byte " + (i - 1));
      }
    }
  }

}
