package dev.aigateway.internal.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allowed origins as an operator writes them: normalized, or refused with a reason. */
final class CorsOriginsTest {

  @Test
  void schemeAndHostAreLowerCased_andDefaultPortsDropped() {
    assertThat(CorsOrigins.normalize("HTTPS://App.Example.COM")).isEqualTo("https://app.example.com");
    assertThat(CorsOrigins.normalize("https://app.example.com:443")).isEqualTo("https://app.example.com");
    assertThat(CorsOrigins.normalize("http://localhost:80")).isEqualTo("http://localhost");
    assertThat(CorsOrigins.normalize("http://localhost:5173")).isEqualTo("http://localhost:5173");
    assertThat(CorsOrigins.normalize("http://[::1]:3000")).isEqualTo("http://[::1]:3000");
    assertThat(CorsOrigins.normalize("chrome-extension://abcdefghijklmnop"))
        .isEqualTo("chrome-extension://abcdefghijklmnop");
    assertThat(CorsOrigins.normalize("*")).isEqualTo("*");
  }

  @Test
  void malformedEntries_areRefusedWithTheReason() {
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com/"))
        .hasMessageContaining("without a path").hasMessageContaining("'https://app.example.com/'");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com/chat")).hasMessageContaining("path");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com?x=1")).hasMessageContaining("query");
    assertThatThrownBy(() -> CorsOrigins.normalize("app.example.com")).hasMessageContaining("scheme://host");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://*.example.com")).hasMessageContaining("no wildcards");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://user@app.example.com"))
        .hasMessageContaining("user information");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com:0")).hasMessageContaining("port");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com:70000")).hasMessageContaining("port");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app_example.com")).hasMessageContaining("host");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://app.example.com\r\nX: y"))
        .hasMessageContaining("scheme://host").hasMessageNotContaining("\r");
    assertThatThrownBy(() -> CorsOrigins.normalize("null")).hasMessageContaining("'null'");
    assertThatThrownBy(() -> CorsOrigins.normalize("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> CorsOrigins.normalize("https://" + "a".repeat(300))).hasMessageContaining("255");
  }

  @Test
  void aList_namesTheIndexOfItsFirstBadEntry_andDropsDuplicates() {
    assertThat(CorsOrigins.normalizeAll(List.of("https://a.example", "HTTPS://A.example", "*")))
        .containsExactly("https://a.example", "*");
    assertThatThrownBy(() -> CorsOrigins.normalizeAll(List.of("https://a.example", "https://b.example/")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("corsAllowedOrigins[1] must");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      many.add("https://h" + i + ".example");
    }
    assertThatThrownBy(() -> CorsOrigins.normalizeAll(many)).hasMessageContaining("at most 100");
  }

  @Test
  void accountSettings_andTheBuilder_keepTheNormalForm() {
    Gateway.AccountSettings s = Gateway.AccountSettings.defaults();
    assertThat(s.corsAllowedOrigins()).as("CORS off by default").isEmpty();
    assertThat(s.withCorsAllowedOrigins(List.of("HTTP://Localhost:5173")).corsAllowedOrigins())
        .containsExactly("http://localhost:5173");
    assertThat(new Gateway.AccountSettings(true, 5, null, null, null, null).corsAllowedOrigins()).isEmpty();
    assertThatThrownBy(() -> s.withCorsAllowedOrigins(List.of("ftp://x.example/path")))
        .hasMessageStartingWith("corsAllowedOrigins[0]");
    try (Gateway g = Gateway.builder().corsAllowedOrigins("https://A.example")
        .accountSettings(Gateway.AccountSettings.defaults().withCreditsEnforced(true)).build()) {
      assertThat(g.accountSettings().corsAllowedOrigins()).as("the builder's list wins, in any order")
          .containsExactly("https://a.example");
      assertThat(g.accountSettings().creditsEnforced()).isTrue();
      assertThat(g.accountSettings().withCreditsEnforced(false).corsAllowedOrigins()).containsExactly("https://a.example");
    }
  }
}
