package dev.aigateway.internal.cors;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The allowed origins of browser clients, as an operator writes them: each {@code scheme://host[:port]}
 * (the form a browser sends in {@code Origin}), or {@code *} for any origin. Scheme and host are lower-cased
 * and a default port ({@code :443} for https, {@code :80} for http) is dropped, because a browser never sends
 * it. Stateless and thread-safe.
 */
public final class CorsOrigins {
  /** The entry that allows every origin. */
  public static final String ANY = "*";
  /** Most entries in one list. */
  public static final int MAX_ENTRIES = 100;
  /** Longest entry. */
  public static final int MAX_LENGTH = 255;

  private static final Pattern ORIGIN = Pattern.compile(
      "([A-Za-z][A-Za-z0-9+.-]*)://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
      + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::([0-9]{1,5}))?");

  private CorsOrigins() {}

  /**
   * The normal form of one entry.
   *
   * @throws IllegalArgumentException naming what is wrong with it (the message quotes the value)
   */
  public static String normalize(String entry) {
    Objects.requireNonNull(entry, "entry");
    if (entry.equals(ANY)) {
      return ANY;
    }
    if (entry.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (entry.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters but was " + entry.length());
    }
    String shown = "'" + entry.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    if (entry.indexOf('*') >= 0) {
      throw new IllegalArgumentException("must be an exact origin or '*' alone (no wildcards) but was " + shown);
    }
    if (entry.equalsIgnoreCase("null")) {
      throw new IllegalArgumentException("must not be 'null' (the origin of sandboxed and local documents)");
    }
    int scheme = entry.indexOf("://");
    if (scheme < 0) {
      throw new IllegalArgumentException("must be scheme://host[:port] (as https://app.example.com) but was " + shown);
    }
    int rest = entry.indexOf('/', scheme + 3);
    int query = firstOf(entry, scheme + 3, '?', '#');
    if (rest >= 0 || query >= 0) {
      throw new IllegalArgumentException("must be scheme://host[:port] without a path, query or trailing '/' but was "
          + shown);
    }
    if (entry.indexOf('@') >= 0) {
      throw new IllegalArgumentException("must not carry user information but was " + shown);
    }
    Matcher m = ORIGIN.matcher(entry);
    if (!m.matches()) {
      throw new IllegalArgumentException("must be scheme://host[:port] with a valid host name but was " + shown);
    }
    String s = m.group(1).toLowerCase(Locale.ROOT);
    String host = m.group(2).toLowerCase(Locale.ROOT);
    @Nullable String port = m.group(3);
    if (port != null) {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535 || port.charAt(0) == '0') {
        throw new IllegalArgumentException("port must be 1 to 65535 without leading zeros but was " + shown);
      }
      if ((s.equals("https") && p == 443) || (s.equals("http") && p == 80)) {
        port = null;
      }
    }
    return s + "://" + host + (port == null ? "" : ":" + port);
  }

  /**
   * The normal form of a whole list: each entry normalized, duplicates dropped (first kept), in order.
   *
   * @throws IllegalArgumentException naming the index and value of the first bad entry, or a list too long
   */
  public static List<String> normalizeAll(List<String> entries) {
    Objects.requireNonNull(entries, "entries");
    if (entries.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("corsAllowedOrigins must have at most " + MAX_ENTRIES
          + " entries but had " + entries.size());
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String e = entries.get(i);
      if (e == null) {
        throw new IllegalArgumentException("corsAllowedOrigins[" + i + "] must not be null");
      }
      try {
        out.add(normalize(e));
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("corsAllowedOrigins[" + i + "] " + bad.getMessage(), bad);
      }
    }
    return List.copyOf(new ArrayList<>(out));
  }

  private static int firstOf(String s, int from, char a, char b) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == a || c == b) {
        return i;
      }
    }
    return -1;
  }
}
