package dev.aigateway.examples.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The SSRF guard for base URLs given on the command line: {@code https} only, no user info or control
 * characters, and every address the host resolves to must be public (not loopback, private, link-local,
 * CGNAT, unique-local, multicast, unspecified, or an IPv4-mapped/compatible form of those), unless
 * private upstreams are explicitly allowed.
 */
final class UpstreamGuard {
  /** Resolves a host name to its addresses. */
  @FunctionalInterface
  interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  static final Resolver SYSTEM_RESOLVER = host -> List.of(InetAddress.getAllByName(host));

  private UpstreamGuard() {}

  static void check(String provider, String url, boolean allowPrivate, Resolver resolver) {
    String where = "--upstream " + provider;
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(where + ": the URL contains spaces or control characters");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(where + ": not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(where + ": user info in the URL is refused");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(where + ": the URL has no host");
    }
    if (allowPrivate) {
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException(where + ": the URL must be http(s)");
      }
      return;
    }
    if (!scheme.equals("https")) {
      throw new IllegalArgumentException(where + ": only https URLs are allowed (use --allow-private-upstreams "
          + "for a local http provider)");
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(uri.getHost());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(where + ": the host does not resolve");
    }
    for (InetAddress a : addresses) {
      if (!isPublic(a)) {
        throw new IllegalArgumentException(where + ": " + uri.getHost() + " resolves to a private or local address ("
            + a.getHostAddress() + "); use --allow-private-upstreams to allow it");
      }
    }
  }

  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xFF;
      int b1 = b[1] & 0xFF;
      return !(b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 100 && b1 >= 64 && b1 <= 127) // CGNAT 100.64/10
          || (b0 == 169 && b1 == 254) || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)
          || (b0 == 192 && b1 == 0 && (b[2] & 0xFF) == 0) || (b0 == 198 && (b1 == 18 || b1 == 19)) || b0 >= 224);
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xFE) == 0xFC) { // unique local fc00::/7
        return false;
      }
      boolean zero10 = true;
      for (int i = 0; i < 10; i++) {
        zero10 &= b[i] == 0;
      }
      if (zero10 && ((b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) || (b[10] == 0 && b[11] == 0))) {
        // IPv4-mapped ::ffff:a.b.c.d or IPv4-compatible ::a.b.c.d: judge the embedded IPv4 address
        try {
          return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return false;
        }
      }
      if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) { // 6to4 2002::/16 embeds an IPv4 address
        try {
          return isPublic(InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}));
        } catch (UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }
}
