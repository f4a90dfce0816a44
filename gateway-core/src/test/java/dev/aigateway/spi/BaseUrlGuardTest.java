package dev.aigateway.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.config.ConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF guard, with a stub resolver: no test ever looks up or connects to these hosts. */
final class BaseUrlGuardTest {
  private static final Map<String, String> DNS = Map.ofEntries(
      Map.entry("loop.test", "127.0.0.1"), Map.entry("loop6.test", "::1"), Map.entry("ten.test", "10.1.2.3"),
      Map.entry("oneseventwo.test", "172.20.0.1"), Map.entry("home.test", "192.168.1.1"),
      Map.entry("cgnat.test", "100.64.0.1"), Map.entry("metadata.test", "169.254.169.254"),
      Map.entry("zero.test", "0.0.0.0"), Map.entry("ula.test", "fd00::1"), Map.entry("linklocal6.test", "fe80::1"),
      Map.entry("mapped.test", "::ffff:192.168.1.1"), Map.entry("compat.test", "::10.0.0.1"),
      Map.entry("sixtofour.test", "2002:c0a8:0101::1"), Map.entry("multicast.test", "224.0.0.1"),
      Map.entry("public.test", "93.184.216.34"), Map.entry("public6.test", "2606:2800:220:1:248:1893:25c8:1946"));

  private static final BaseUrlGuard.Resolver STUB = host -> {
    if (host.equals("mixed.test")) {
      return List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1"));
    }
    String ip = DNS.get(host);
    if (ip == null) {
      throw new UnknownHostException(host);
    }
    return List.of(InetAddress.getByName(ip));
  };

  private final BaseUrlGuard strict = BaseUrlGuard.publicHttpsOnly(STUB);

  @Test
  void privateLocalAndEncodedAddresses_areRefused() {
    for (String host : List.of("loop.test", "loop6.test", "ten.test", "oneseventwo.test", "home.test", "cgnat.test",
        "metadata.test", "zero.test", "ula.test", "linklocal6.test", "mapped.test", "compat.test", "sixtofour.test",
        "multicast.test", "mixed.test")) {
      assertThatThrownBy(() -> strict.check("baseUrl", "https://" + host + "/v1")).as(host)
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("private or local address");
    }
  }

  @Test
  void literalAddressesAreJudgedToo() {
    assertThatThrownBy(() -> BaseUrlGuard.publicHttpsOnly(BaseUrlGuard.Resolver.system())
        .check("baseUrl", "https://127.0.0.1/v1")).hasMessageContaining("private or local");
    assertThatThrownBy(() -> BaseUrlGuard.publicHttpsOnly(BaseUrlGuard.Resolver.system())
        .check("baseUrl", "https://[::ffff:10.0.0.1]/v1")).hasMessageContaining("private or local");
  }

  @Test
  void publicHttps_isAccepted() {
    strict.check("baseUrl", "https://public.test/v1");
    strict.check("baseUrl", "https://public6.test/v1");
  }

  @Test
  void formIsChecked() {
    assertThatThrownBy(() -> strict.check("baseUrl", "http://public.test/v1")).hasMessage("baseUrl: must be an https URL");
    assertThatThrownBy(() -> strict.check("baseUrl", "https://u:p@public.test/v1"))
        .hasMessage("baseUrl: must have a host and no user info or fragment");
    assertThatThrownBy(() -> strict.check("baseUrl", "https://public.test/v1\r\nX: y"))
        .hasMessage("baseUrl: must not contain spaces or control characters");
    assertThatThrownBy(() -> strict.check("baseUrl", "https://nowhere.test/v1"))
        .hasMessage("baseUrl: the host does not resolve");
    BaseUrlGuard.syntaxOnly().check("baseUrl", "http://127.0.0.1:8000/v1");
    assertThatThrownBy(() -> BaseUrlGuard.syntaxOnly().check("baseUrl", "file:///etc/passwd"))
        .hasMessage("baseUrl: must be an https URL");
  }

  @Test
  void isPublic_classifiesRanges() throws Exception {
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("8.8.8.8"))).isTrue();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("100.63.255.255"))).isTrue();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("100.64.0.0"))).isFalse();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("172.15.255.255"))).isTrue();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("172.32.0.0"))).isTrue();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("198.18.0.1"))).isFalse();
  }

  /** Regression: {@code https://[64:ff9b::127.0.0.1]/v1} was accepted; NAT64 and Teredo embed IPv4. */
  @Test
  void nat64AndTeredoAddresses_areJudgedByTheIpv4TheyEmbed() throws Exception {
    BaseUrlGuard literal = BaseUrlGuard.publicHttpsOnly(BaseUrlGuard.Resolver.system());
    for (String host : List.of("[64:ff9b::127.0.0.1]", "[64:ff9b::10.0.0.1]", "[64:ff9b::a9fe:a9fe]",
        "[64:ff9b:1:7f00:0:100::]", "[64:ff9b:1::a00:1]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]",
        "[2001:0:a00:1:8000:63bf:3fff:fdd2]")) {
      assertThatThrownBy(() -> literal.check("baseUrl", "https://" + host + "/v1")).as(host)
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("private or local address");
    }
    // the same forms around public IPv4 addresses stay public
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("64:ff9b::808:808"))).isTrue();
    assertThat(BaseUrlGuard.isPublic(InetAddress.getByName("2001:0:4136:e378:8000:63bf:f7f7:f7f7"))).isTrue();
  }
}
