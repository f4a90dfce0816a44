package dev.aigateway.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-written scanner must agree with Jackson's streaming parser on what is valid JSON and on the
 * values it extracts: a differential test over generated documents and their random mutations.
 */
final class BodyScannerTest {
  private static final JsonFactory JACKSON = new JsonFactory();

  /** Jackson's answer: the extracted fields, or "invalid". */
  static String jackson(byte[] body) {
    String model = null;
    List<String> models = null;
    boolean stream = false;
    try (JsonParser p = JACKSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "invalid";
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (isVariant(name)) {
          return "invalid";
        }
        if (name.equals("model")) {
          if (v == JsonToken.VALUE_STRING) {
            model = p.getText();
            if (hasControl(model)) {
              return "invalid";
            }
          } else if (v != JsonToken.VALUE_NULL) {
            p.skipChildren();
            drain(p);
            return "invalid";
          }
        } else if (name.equals("models")) {
          if (v == JsonToken.START_ARRAY) {
            models = new ArrayList<>();
            JsonToken e;
            boolean bad = false;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
              if (e != JsonToken.VALUE_STRING) {
                bad = true;
                p.skipChildren();
              } else if (hasControl(p.getText())) {
                return "invalid";
              } else {
                models.add(p.getText());
              }
            }
            if (bad) {
              drain(p);
              return "invalid";
            }
          } else if (v != JsonToken.VALUE_NULL) {
            p.skipChildren();
            drain(p);
            return "invalid";
          }
        } else if (name.equals("stream")) {
          if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE && v != JsonToken.VALUE_NULL) {
            return "invalid";
          }
          stream = v == JsonToken.VALUE_TRUE;
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return "invalid";
      }
      return describe(model, models, stream);
    } catch (Exception e) {
      return "invalid";
    }
  }

  /** A name a case-insensitive binding would read as model, models or stream, without being one. */
  static boolean isVariant(String name) {
    String folded = name.replace('\u017F', 's').replace('\u212A', 'k').toLowerCase(java.util.Locale.ROOT);
    boolean routing = folded.equals("model") || folded.equals("models") || folded.equals("stream");
    return routing && !name.equals("model") && !name.equals("models") && !name.equals("stream");
  }

  static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == 0x2028 || c == 0x2029);
  }

  private static void drain(JsonParser p) throws java.io.IOException {
    while (p.nextToken() != null) {
      // validate the rest, as the scanner does
    }
  }

  static String ours(byte[] body) {
    try {
      BodyScanner.Result r = BodyScanner.scan(body, 0, body.length);
      return describe(r.model, r.models, r.stream);
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST_BODY);
      return e.getMessage().contains("duplicate field") ? "duplicate" : "invalid";
    }
  }

  private static String describe(String model, List<String> models, boolean stream) {
    return "model=" + model + " models=" + models + " stream=" + stream;
  }

  @Test
  void agreesWithJackson_onGeneratedDocumentsAndMutations() {
    SplittableRandom r = new SplittableRandom(20261122);
    int valid = 0;
    int invalid = 0;
    for (int n = 0; n < 30_000; n++) {
      String doc = document(r);
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      if (n % 2 == 1) {
        bytes = mutate(bytes, r);
      }
      String expected = jackson(bytes);
      String actual = ours(bytes);
      if (actual.equals("duplicate")) {
        continue;
      }
      assertThat(actual).as("document %s", new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expected);
      if (expected.equals("invalid")) {
        invalid++;
      } else {
        valid++;
      }
    }
    assertThat(valid).isGreaterThan(10_000);
    assertThat(invalid).isGreaterThan(5_000);
  }

  private static String document(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("{");
    List<String> keys = new ArrayList<>(List.of("messages", "temperature", "tools", "n", "user", "meta"));
    if (r.nextInt(4) > 0) {
      keys.add("model");
    }
    if (r.nextInt(3) == 0) {
      keys.add("models");
    }
    if (r.nextInt(3) == 0) {
      keys.add("stream");
    }
    java.util.Collections.shuffle(keys, new java.util.Random(r.nextLong()));
    int count = r.nextInt(keys.size() + 1);
    for (int k = 0; k < count; k++) {
      if (k > 0) {
        sb.append(r.nextBoolean() ? "," : " ,\n ");
      }
      String key = keys.get(k);
      sb.append('"').append(key).append("\":");
      switch (key) {
        case "model" -> sb.append(r.nextInt(8) == 0 ? value(r, 2) : string(r));
        case "models" -> {
          if (r.nextInt(6) == 0) {
            sb.append(value(r, 2));
          } else {
            sb.append('[');
            int m = r.nextInt(4);
            for (int j = 0; j < m; j++) {
              sb.append(j > 0 ? "," : "").append(string(r));
            }
            sb.append(']');
          }
        }
        case "stream" -> sb.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : value(r, 1));
        default -> sb.append(value(r, 0));
      }
    }
    return sb.append(r.nextBoolean() ? "}" : " }\n").toString();
  }

  private static String value(SplittableRandom r, int depth) {
    int kind = depth > 6 ? r.nextInt(5) : r.nextInt(7);
    return switch (kind) {
      case 0 -> string(r);
      case 1 -> number(r);
      case 2 -> "true";
      case 3 -> "false";
      case 4 -> "null";
      case 5 -> {
        StringBuilder sb = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int j = 0; j < n; j++) {
          sb.append(j > 0 ? ", " : "").append(value(r, depth + 1));
        }
        yield sb.append(']').toString();
      }
      default -> {
        StringBuilder sb = new StringBuilder("{");
        int n = r.nextInt(4);
        for (int j = 0; j < n; j++) {
          sb.append(j > 0 ? "," : "").append(string(r)).append(':').append(value(r, depth + 1));
        }
        yield sb.append('}').toString();
      }
    };
  }

  private static final String[] PIECES = {"gpt-4o", "claude", "a", " ", "\\n", "\\\"", "\\\\", "\\u00e9", "é", "日本",
      "😀", "\\ud83d\\ude00", "/", "\\/", "x:y", "model", "models"};

  private static String string(SplittableRandom r) {
    StringBuilder sb = new StringBuilder("\"");
    int n = r.nextInt(5);
    for (int j = 0; j < n; j++) {
      sb.append(PIECES[r.nextInt(PIECES.length)]);
    }
    return sb.append('"').toString();
  }

  private static String number(SplittableRandom r) {
    String[] forms = {"0", "-1", "42", "3.25", "-0.5e10", "1E+3", "12345678901234567890", "1e400", "0.0"};
    return forms[r.nextInt(forms.length)];
  }

  private static final byte[] NOISE = "{}[]\",:0123456789-+.eEtrufalsn \\/x".getBytes(StandardCharsets.US_ASCII);

  private static byte[] mutate(byte[] in, SplittableRandom r) {
    if (in.length == 0) {
      return in;
    }
    int pos = r.nextInt(in.length);
    switch (r.nextInt(4)) {
      case 0 -> { // delete a byte
        byte[] out = new byte[in.length - 1];
        System.arraycopy(in, 0, out, 0, pos);
        System.arraycopy(in, pos + 1, out, pos, in.length - pos - 1);
        return validUtf8OrOriginal(out, in);
      }
      case 1 -> { // insert a byte
        byte[] out = new byte[in.length + 1];
        System.arraycopy(in, 0, out, 0, pos);
        out[pos] = NOISE[r.nextInt(NOISE.length)];
        System.arraycopy(in, pos, out, pos + 1, in.length - pos);
        return out;
      }
      case 2 -> { // replace an ASCII byte
        byte[] out = in.clone();
        if (out[pos] >= 0) {
          out[pos] = NOISE[r.nextInt(NOISE.length)];
        }
        return out;
      }
      default -> { // truncate
        return validUtf8OrOriginal(java.util.Arrays.copyOf(in, pos), in);
      }
    }
  }

  /** Keeps mutations to well-formed UTF-8, where both parsers must agree. */
  private static byte[] validUtf8OrOriginal(byte[] candidate, byte[] original) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(candidate));
      return candidate;
    } catch (java.nio.charset.CharacterCodingException e) {
      return original;
    }
  }

  @Test
  void extractsValuesWithEscapes() {
    BodyScanner.Result r = scanOf("{\"mod\\u0065l\":\"gpt\\u002d4o\",\"models\":[\"a\\\"b\"],\"stream\":true}");
    assertThat(r.model).isEqualTo("gpt-4o");
    assertThat(r.models).containsExactly("a\"b");
    assertThat(r.stream).isTrue();
    assertThat(scanOf(" { } ").model).isNull();
    assertThat(scanOf("{\"model\":\"日本😀\"}").model).isEqualTo("日本😀");
  }

  @Test
  void refusesRepeatedRoutingFields_andMalformedUtf8() {
    assertThatThrownBy(() -> scanOf("{\"model\":\"a\",\"model\":\"b\"}"))
        .hasMessage("Invalid request body: duplicate field model");
    byte[][] bad = {
        {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'}, // overlong NUL
        {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // surrogate
        {'{', '"', 'a', '"', ':', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'}, // > U+10FFFF
        {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}, // truncated sequence
        {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, // lone continuation
    };
    for (byte[] b : bad) {
      assertThatThrownBy(() -> BodyScanner.scan(b, 0, b.length)).isInstanceOf(GatewayException.class)
          .hasMessageContaining("invalid UTF-8");
    }
  }

  @Test
  void nestingIsBounded_withoutStackOverflow() {
    String ok = "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
    assertThat(scanOf(ok).model).isNull();
    String deep = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    assertThatThrownBy(() -> scanOf(deep)).hasMessageContaining("nesting deeper than 256");
  }

  @Test
  void scansOnlyTheGivenRange() {
    byte[] b = bytes("xx{\"model\":\"m\"}yy");
    assertThat(BodyScanner.scan(b, 2, b.length - 4).model).isEqualTo("m");
    assertThatThrownBy(() -> BodyScanner.scan(b, 2, b.length - 2)).isInstanceOf(GatewayException.class)
        .hasMessage("Invalid request body: trailing content after the JSON object");
    assertThatThrownBy(() -> BodyScanner.scan(b, 2, b.length)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static byte[] bytes(String s) {
    return Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8);
  }

  private static BodyScanner.Result scanOf(String s) {
    byte[] b = bytes(s);
    return BodyScanner.scan(b, 0, b.length);
  }

  @Test
  void eightBytesAtATime_agreesWithTheByteByByteTest() {
    SplittableRandom r = new SplittableRandom(8);
    byte[] interesting = {0, 1, 0x1f, 0x20, 0x21, '"', '\\', 0x5b, 0x7e, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff};
    for (int n = 0; n < 1_000_000; n++) {
      long x = 0;
      boolean expected = true;
      for (int k = 0; k < 8; k++) {
        int b = r.nextInt(4) == 0 ? interesting[r.nextInt(interesting.length)] & 0xff : 0x20 + r.nextInt(0x60);
        expected &= b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
        x |= ((long) b) << (8 * k);
      }
      assertThat(BodyScanner.plain(x)).as("%016x", x).isEqualTo(expected);
    }
  }

  @Test
  void longStrings_withASpecialByteAtEveryPosition_agreeWithJackson() {
    String[] specials = {"\\\"", "\\n", "\\u00e9", "é", "😀", "\"", "\u0001", "\\"};
    for (String special : specials) {
      for (int at = 0; at < 40; at++) {
        String content = "a".repeat(at) + special + "b".repeat(40 - at);
        byte[] body = ("{\"model\":\"gpt-4o\",\"x\":\"" + content + "\",\"stream\":true}").getBytes(StandardCharsets.UTF_8);
        assertThat(ours(body)).as("%s at %d", special, at).isEqualTo(jackson(body));
      }
    }
  }

  /** Regression: {"model":"gpt-4o-mini","Model":"gpt-4o"} passed the scope on one and reached Go-style providers with the other. */
  @Test
  void caseVariantsOfRoutingFields_areRefused() {
    for (String body : List.of("{\"model\":\"gpt-4o-mini\",\"Model\":\"gpt-4o\"}",
        "{\"model\":\"a\",\"MODELS\":[\"b\"]}", "{\"model\":\"a\",\"Stream\":true}",
        "{\"model\":\"a\",\"\u017Ftream\":true}", "{\"model\":\"a\",\"\\u017Ftream\":true}",
        "{\"mOdel\":\"a\"}", "{\"model\":\"a\",\"\\u004dodel\":\"b\"}")) {
      assertThatThrownBy(() -> scan(body)).as(body)
          .isInstanceOf(GatewayException.class).hasMessageContaining("spelled exactly");
    }
    assertThat(scan("{\"model\":\"a\",\"modelx\":1,\"streams\":2}").model)
        .isEqualTo("a");
  }

  /** Regression: "stream":"true" was treated as not streaming. */
  @Test
  void aStreamThatIsNotABoolean_isRefused() {
    for (String v : List.of("\"true\"", "1", "0", "{}", "[]", "\"false\"")) {
      String body = "{\"model\":\"a\",\"stream\":" + v + "}";
      assertThatThrownBy(() -> scan(body)).as(body)
          .isInstanceOf(GatewayException.class).hasMessageContaining("stream must be true or false");
    }
    assertThat(scan("{\"model\":\"a\",\"stream\":true}").stream).isTrue();
    assertThat(scan("{\"model\":\"a\",\"stream\":null}").stream).isFalse();
  }

  /** Regression: a model with CR/LF reached the provider and NUL reached AIG-Model. */
  @Test
  void controlCharactersInModelNames_areRefused() {
    for (String body : List.of("{\"model\":\"gpt-4o\\r\\nX-Injected: 1\"}", "{\"model\":\"gpt\\u0000\"}",
        "{\"model\":\"a\",\"models\":[\"b\",\"c\\n\"]}", "{\"model\":\"a\\u0085\"}")) {
      assertThatThrownBy(() -> scan(body)).as(body)
          .isInstanceOf(GatewayException.class).hasMessageContaining("must not contain control characters");
    }
  }


  private static BodyScanner.Result scan(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    return BodyScanner.scan(b, 0, b.length);
  }
}
