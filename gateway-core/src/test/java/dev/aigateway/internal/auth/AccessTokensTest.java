package dev.aigateway.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class AccessTokensTest {
  private final AccessTokens tokens = new AccessTokens("ng-", Ids.ACCESS_KEY);

  @Test
  void hundredThousandTokens_areUniqueAndVerify() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = Ids.newId(Ids.ACCESS_KEY);
      String token = tokens.newToken(id);
      assertThat(seen.add(token)).as("duplicate token").isTrue();
      assertThat(tokens.keyIdOf(token)).isEqualTo(id);
    }
  }

  @Test
  void tokenHasTheReferenceShapeAndAtLeast160RandomBits() {
    String token = tokens.newToken(Ids.newId(Ids.ACCESS_KEY));
    assertThat(token).matches("ng-[0-9A-Za-z]{22}-g1-[0-9A-Za-z]{38}");
    // 32 secret characters drawn uniformly from 62 symbols
    assertThat(AccessTokens.SECRET_LENGTH * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(160);
  }

  @Test
  void changingAnySingleCharacter_failsVerification() {
    String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_g";
    for (int t = 0; t < 20; t++) {
      String token = tokens.newToken(Ids.newId(Ids.ACCESS_KEY));
      char[] chars = token.toCharArray();
      for (int i = 0; i < chars.length; i++) {
        char original = chars[i];
        for (int a = 0; a < alphabet.length(); a++) {
          char c = alphabet.charAt(a);
          if (c == original) {
            continue;
          }
          chars[i] = c;
          assertThat(tokens.keyIdOf(new String(chars))).as("token altered at %d to %s", i, c).isNull();
        }
        chars[i] = original;
      }
    }
  }

  @Test
  void truncatedExtendedOrForeignTokens_areMalformed() {
    String token = tokens.newToken(Ids.newId(Ids.ACCESS_KEY));
    assertThat(tokens.keyIdOf(token.substring(0, token.length() - 1))).isNull();
    assertThat(tokens.keyIdOf(token + "0")).isNull();
    assertThat(tokens.keyIdOf("sk-" + token.substring(3))).isNull();
    assertThat(tokens.keyIdOf("")).isNull();
    assertThat(tokens.keyIdOf(null)).isNull();
  }

  @Test
  void prefixIsConfigurable() {
    AccessTokens custom = new AccessTokens("acme_", Ids.ACCESS_KEY);
    String id = Ids.newId(Ids.ACCESS_KEY);
    String token = custom.newToken(id);
    assertThat(token).startsWith("acme_");
    assertThat(custom.keyIdOf(token)).isEqualTo(id);
    assertThat(tokens.keyIdOf(token)).isNull();
    assertThatThrownBy(() -> new AccessTokens("bad prefix", Ids.ACCESS_KEY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad prefix");
  }

  @Test
  void redactedFormHidesTheSecret() {
    String token = tokens.newToken(Ids.newId(Ids.ACCESS_KEY));
    String redacted = tokens.redact(token);
    String secret = token.substring(tokens.secretStart(), token.length() - AccessTokens.CHECKSUM_LENGTH);
    assertThat(redacted).contains("***").doesNotContain(secret.substring(0, 8));
    assertThat(redacted.length()).isLessThan(20);
  }
}
