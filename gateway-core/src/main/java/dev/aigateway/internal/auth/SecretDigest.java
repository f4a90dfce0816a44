package dev.aigateway.internal.auth;

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
  private final ThreadLocal<Scratch> scratch;

  private static final class Scratch {
    final MessageDigest sha = newSha();
    final @Nullable Mac mac;
    final byte[] in = new byte[64];
    final byte[] out = new byte[32];

    Scratch(byte @Nullable [] pepper) {
      this.mac = pepper == null ? null : newMac(pepper);
    }
  }

  public SecretDigest(byte @Nullable [] pepper) {
    this.pepper = pepper == null ? null : pepper.clone();
    this.sha = ThreadLocal.withInitial(SecretDigest::newSha);
    if (this.pepper != null) {
      byte[] k = this.pepper;
      this.hmac = ThreadLocal.withInitial(() -> newMac(k));
    } else {
      this.hmac = null;
    }
    byte[] p = this.pepper;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(p));
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

  /**
   * Whether the digest of {@code s[from, to)} satisfies {@code check}, computed in per-thread scratch
   * buffers (no allocation on the request path). The array passed to {@code check} must not escape.
   */
  public boolean matches(CharSequence s, int from, int to, java.util.function.Predicate<byte[]> check) {
    Scratch sc = scratch.get();
    int n = to - from;
    byte[] in = n <= sc.in.length ? sc.in : new byte[n];
    for (int i = from; i < to; i++) {
      in[i - from] = (byte) s.charAt(i);
    }
    try {
      if (sc.mac != null) {
        sc.mac.update(in, 0, n);
        sc.mac.doFinal(sc.out, 0);
      } else {
        sc.sha.update(in, 0, n);
        sc.sha.digest(sc.out, 0, sc.out.length);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("digest failed", e);
    }
    return check.test(sc.out);
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
}
