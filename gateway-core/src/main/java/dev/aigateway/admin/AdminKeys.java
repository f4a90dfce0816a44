package dev.aigateway.admin;

import dev.aigateway.internal.auth.Base62;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.auth.SecretDigest;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The keys that authorize the management API ({@code aigak_}). Only SHA-256 digests are kept; a token is
 * shown once when generated. Thread-safe.
 */
public final class AdminKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretDigest digest = new SecretDigest(null);
  private final List<byte[]> digests = new CopyOnWriteArrayList<>();

  /** No key allowed yet: add them with {@link #allowToken} or {@link #allowDigest}. */
  public AdminKeys() {}

  /** A new admin token: {@code aigak_} id body, then 40 random base62 characters (about 238 bits). */
  public static String newToken() {
    StringBuilder sb = new StringBuilder(Ids.newId(Ids.ADMIN_KEY)).append('_');
    Base62.appendRandom(sb, RANDOM, 40);
    return sb.toString();
  }

  /** The digest to persist for a token. */
  public byte[] digestOf(String token) {
    return digest.digest(Objects.requireNonNull(token, "token"));
  }

  /** Accepts tokens with this digest. */
  public void allowDigest(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("digest must be 32 bytes but was " + sha256.length);
    }
    digests.add(sha256.clone());
  }

  /** Accepts this token (for example {@code AIGATEWAY_ADMIN_KEY}); only its digest is kept. */
  public void allowToken(String token) {
    if (token.length() < 16) {
      throw new IllegalArgumentException("an admin key must be at least 16 characters");
    }
    digests.add(digestOf(token));
  }

  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /** Whether the token is an admin key; every digest is compared in constant time. */
  public boolean verify(@Nullable String token) {
    if (token == null || token.isEmpty() || token.length() > 512) {
      return false;
    }
    byte[] d = digestOf(token);
    boolean ok = false;
    for (byte[] known : digests) {
      ok |= MessageDigest.isEqual(known, d);
    }
    return ok;
  }

  @Override
  public String toString() {
    return "AdminKeys[" + digests.size() + "]";
  }
}
