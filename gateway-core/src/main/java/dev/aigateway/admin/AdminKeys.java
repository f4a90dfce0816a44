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
 * The admin tokens a host configures for the management API: {@code AIGATEWAY_ADMIN_KEY},
 * {@code aigateway.admin.key}, or digests kept elsewhere. Only SHA-256 digests are held. The management API
 * accepts these and, beside them, the admin API keys in the gateway's {@code KeyStore}
 * ({@link GatewayAdmin#adminKeys()}, {@code /api-keys}). Thread-safe.
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

  /** Whether no token is configured here (admin API keys in the store are not counted). */
  public boolean isEmpty() {
    return digests.isEmpty();
  }

  /**
   * The id of an admin API key's token ({@code aigak_<id>_<secret>} gives {@code aigak_<id>}), or null when the
   * token does not have that form.
   */
  public static @Nullable String idOf(@Nullable String token) {
    if (token == null || !token.startsWith(Ids.ADMIN_KEY)) {
      return null;
    }
    int end = token.indexOf('_', Ids.ADMIN_KEY.length());
    return end <= Ids.ADMIN_KEY.length() ? null : token.substring(0, end);
  }

  /**
   * First start: when no token is configured here and the store of {@code admin} holds no admin API key,
   * creates one named {@code initial} and answers its token, for the host to show once; otherwise null.
   */
  public @Nullable String createInitialKeyIfNone(GatewayAdmin admin) {
    Objects.requireNonNull(admin, "admin");
    if (!isEmpty() || !admin.adminKeys().list(null, 1).items().isEmpty()) {
      return null;
    }
    return admin.adminKeys().create(AdminKeyChange.builder().name("initial").build()).token();
  }

  /**
   * Whether the token is one configured here (the store's admin API keys are checked by the management API
   * beside these); every digest is compared in constant time.
   */
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
