package dev.aigateway.spi;

import dev.aigateway.config.ConfigurationException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides which provider base URLs may be used (custom providers, base URL overrides): the SSRF guard.
 *
 * <p>{@link #publicHttpsOnly(Resolver)} accepts {@code https} URLs without user info or control
 * characters whose host resolves only to public addresses: not loopback, private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16, fe80::/10), CGNAT (100.64/10), unique-local (fc00::/7), multicast,
 * unspecified, benchmark or reserved ranges, nor those hidden in IPv4-mapped, IPv4-compatible, 6to4,
 * NAT64 ({@code 64:ff9b::/96}, {@code 64:ff9b:1::/48}) or Teredo ({@code 2001::/32}) IPv6 forms, which are
 * judged by the IPv4 address they embed. {@link #syntaxOnly()} checks the URL's form only (for hosts that trust their admins and
 * use local providers). The runnable server uses the strict guard unless started with
 * {@code --allow-private-upstreams}.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface BaseUrlGuard {

  /** Throws a {@link ConfigurationException} naming {@code field} when {@code url} may not be used. */
  void check(String field, String url);

  /** Resolves a host name to its addresses (a stub in tests: never the network). */
  @FunctionalInterface
  interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system resolver. */
    static Resolver system() {
      return host -> List.of(InetAddress.getAllByName(host));
    }
  }

  /** http(s), a host, no user info, fragment or control characters. */
  static BaseUrlGuard syntaxOnly() {
    return (field, url) -> parse(field, url, false);
  }

  /** https to public addresses only; see the class description. */
  static BaseUrlGuard publicHttpsOnly(Resolver resolver) {
    Objects.requireNonNull(resolver, "resolver");
    return (field, url) -> {
      URI uri = parse(field, url, true);
      List<InetAddress> addresses;
      try {
        addresses = resolver.resolve(uri.getHost());
      } catch (UnknownHostException e) {
        throw new ConfigurationException(field, "the host does not resolve");
      }
      if (addresses.isEmpty()) {
        throw new ConfigurationException(field, "the host does not resolve");
      }
      for (InetAddress a : addresses) {
        if (!isPublic(a)) {
          throw new ConfigurationException(field, uri.getHost() + " resolves to a private or local address ("
              + a.getHostAddress() + "); private upstreams are not allowed");
        }
      }
    };
  }

  private static URI parse(String field, String url, boolean httpsOnly) {
    if (url.isEmpty() || url.length() > 2048) {
      throw new ConfigurationException(field, "must be 1 to 2048 characters");
    }
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw new ConfigurationException(field, "must not contain spaces or control characters");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(field, "is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (httpsOnly ? !scheme.equals("https") : !scheme.equals("https") && !scheme.equals("http")) {
      throw new ConfigurationException(field, "must be an https URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new ConfigurationException(field, "must have a host and no user info or fragment");
    }
    return uri;
  }

  /** Whether an address is public (see the class description). */
  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xFF;
      int b1 = b[1] & 0xFF;
      return !(b0 == 0 || b0 == 10 || b0 == 127 || (b0 == 100 && b1 >= 64 && b1 <= 127)
          || (b0 == 169 && b1 == 254) || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)
          || (b0 == 192 && b1 == 0 && (b[2] & 0xFF) == 0) || (b0 == 198 && (b1 == 18 || b1 == 19)) || b0 >= 224);
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xFE) == 0xFC || ((b[0] & 0xFF) == 0xFE && (b[1] & 0xC0) == 0x80)) {
        return false; // unique local fc00::/7, link-local fe80::/10
      }
      boolean zero10 = true;
      for (int i = 0; i < 10; i++) {
        zero10 &= b[i] == 0;
      }
      if (zero10 && ((b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) || (b[10] == 0 && b[11] == 0))) {
        return embedded(b[12], b[13], b[14], b[15]); // IPv4-mapped or IPv4-compatible
      }
      if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
        return embedded(b[2], b[3], b[4], b[5]); // 6to4 2002::/16
      }
      if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B) {
        if (b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 && b[10] == 0
            && b[11] == 0) {
          return embedded(b[12], b[13], b[14], b[15]); // NAT64 well-known prefix 64:ff9b::/96
        }
        if (b[4] == 0 && b[5] == 1) {
          // NAT64 local-use 64:ff9b:1::/48 (RFC 8215): the IPv4 may sit at any RFC 6052 prefix length, so
          // every reading must be public
          return embedded(b[6], b[7], b[9], b[10]) && embedded(b[7], b[9], b[10], b[11])
              && embedded(b[9], b[10], b[11], b[12]) && embedded(b[12], b[13], b[14], b[15]);
        }
      }
      if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x01 && b[2] == 0 && b[3] == 0) {
        // Teredo 2001::/32: the server's IPv4, and the client's, stored inverted in the last four bytes
        return embedded(b[4], b[5], b[6], b[7])
            && embedded((byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]);
      }
    }
    return true;
  }

  private static boolean embedded(byte a, byte b, byte c, byte d) {
    try {
      return isPublic(InetAddress.getByAddress(new byte[] {a, b, c, d}));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
