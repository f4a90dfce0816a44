package dev.aigateway.internal.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Rewrites a request body for one provider by splicing bytes: the {@code model} value is replaced (or a
 * {@code model} member inserted) and the {@code models} member removed; every other byte stays as the
 * client sent it.
 */
public final class BodyRewriter {
  private BodyRewriter() {}

  /** The body with {@code model} set to {@code upstreamModel} and {@code models} removed. */
  public static byte[] rewrite(byte[] body, int offset, int length, BodyScanner.Result scan, String upstreamModel) {
    byte[] model = jsonString(upstreamModel);
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + model.length + 16);
    int end = offset + length;
    // the removed range of "models" (with one neighbouring comma), or none
    int cutFrom = -1;
    int cutTo = -1;
    if (scan.modelsMemberStart >= 0) {
      if (scan.modelsCommaBefore >= 0) {
        cutFrom = scan.modelsCommaBefore;
        cutTo = scan.modelsMemberEnd;
      } else if (scan.modelsCommaAfter >= 0) {
        cutFrom = scan.modelsMemberStart;
        cutTo = scan.modelsCommaAfter + 1;
      } else {
        cutFrom = scan.modelsMemberStart;
        cutTo = scan.modelsMemberEnd;
      }
    }
    int pos = offset;
    if (scan.modelValueStart < 0) {
      // insert "model" as the first member
      int afterBrace = scan.objectStart + 1;
      out.write(body, pos, afterBrace - pos);
      out.writeBytes("\"model\":".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(model);
      int remaining = scan.members - (cutFrom >= 0 ? 1 : 0);
      if (remaining > 0) {
        out.write(',');
      }
      pos = afterBrace;
    }
    // apply the two disjoint edits in order of position
    boolean modelFirst = scan.modelValueStart >= 0 && (cutFrom < 0 || scan.modelValueStart < cutFrom);
    if (modelFirst) {
      pos = replaceModel(body, pos, scan, model, out);
      pos = cut(body, pos, cutFrom, cutTo, out);
    } else {
      pos = cut(body, pos, cutFrom, cutTo, out);
      if (scan.modelValueStart >= 0) {
        pos = replaceModel(body, pos, scan, model, out);
      }
    }
    out.write(body, pos, end - pos);
    return out.toByteArray();
  }

  private static int replaceModel(byte[] body, int pos, BodyScanner.Result scan, byte[] model,
      ByteArrayOutputStream out) {
    out.write(body, pos, scan.modelValueStart - pos);
    out.writeBytes(model);
    return scan.modelValueEnd;
  }

  private static int cut(byte[] body, int pos, int from, int to, ByteArrayOutputStream out) {
    if (from < 0) {
      return pos;
    }
    out.write(body, pos, from - pos);
    return to;
  }

  /** A JSON string literal for {@code s}. */
  public static byte[] jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The body with only the top-level members whose keys are in {@code keep}; each kept member's bytes
   * are copied unchanged (only the separators between members are rewritten).
   */
  public static byte[] keepOnly(byte[] body, java.util.Set<String> keep) {
    java.util.List<BodyScanner.Member> members = BodyScanner.members(body, 0, body.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
    out.write('{');
    boolean first = true;
    for (BodyScanner.Member m : members) {
      if (!keep.contains(m.key())) {
        continue;
      }
      if (!first) {
        out.write(',');
      }
      out.write(body, m.start(), m.end() - m.start());
      first = false;
    }
    out.write('}');
    return out.toByteArray();
  }
}
