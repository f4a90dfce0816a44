package dev.aigateway.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Digests of token secrets: SHA-256, or HMAC-SHA-256 when a server-side pepper is configured. Only
 * digests are stored; comparison is constant-time ({@link MessageDigest#isEqual}).
 */
public final class SecretDigest {
  private final byte @Nullable [] pepper;
  private final ThreadLocal<MessageDigest> sha;
  private final @Nullable ThreadLocal<Mac> hmac;

  public SecretDigest(byte @Nullable [] pepper) {
    this.pepper = pepper == null ? null : pepper.clone();
    this.sha = ThreadLocal.withInitial(SecretDigest::newSha);
    if (this.pepper != null) {
      byte[] k = this.pepper;
      this.hmac = ThreadLocal.withInitial(() -> newMac(k));
    } else {
      this.hmac = null;
    }
  }

  /** Digest of the characters {@code [from, to)} of {@code s}, which must be ASCII. */
  public byte[] digest(CharSequence s, int from, int to) {
    if (hmac != null) {
      Mac mac = hmac.get();
      for (int i = from; i < to; i++) {
        mac.update((byte) s.charAt(i));
      }
      return mac.doFinal();
    }
    MessageDigest md = sha.get();
    byte[] buf = new byte[to - from];
    for (int i = from; i < to; i++) {
      buf[i - from] = (byte) s.charAt(i);
    }
    md.update(buf);
    return md.digest();
  }

  public byte[] digest(String s) {
    return digest(s, 0, s.length());
  }

  public boolean matches(byte[] expected, CharSequence s, int from, int to) {
    return MessageDigest.isEqual(expected, digest(s, from, to));
  }

  private static MessageDigest newSha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
