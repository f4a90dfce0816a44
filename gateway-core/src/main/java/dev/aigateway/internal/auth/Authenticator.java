package dev.aigateway.internal.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.spi.Clock;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates access tokens. The format and CRC32 checksum are checked first, so malformed tokens
 * never reach the store. Keys are cached by id (Caffeine) and the cache entry is dropped when the store
 * reports a change, so a deleted key fails on the very next request. Every failure is the same
 * {@code invalid_access_key} with the same message, whatever the cause.
 */
public final class Authenticator {
  public static final String MESSAGE = "Invalid access key.";
  private static final long TOUCH_INTERVAL_NANOS = 60_000_000_000L;

  private final AccessTokens tokens;
  private final SecretDigest digest;
  private final KeyStore store;
  private final Clock clock;
  private final Cache<String, @Nullable AccessKey> cache;
  private final ConcurrentHashMap<String, Long> lastTouch = new ConcurrentHashMap<>();
  private final byte[] decoy;

  public Authenticator(AccessTokens tokens, SecretDigest digest, KeyStore store, Clock clock, long maxCachedKeys) {
    this.tokens = tokens;
    this.digest = digest;
    this.store = store;
    this.clock = clock;
    // the loader returns null for an unknown id (nothing is cached then), so the value type is nullable. Caffeine
    // allows that (build() is declared <K1 extends K, V1 extends @Nullable V>), but NullAway does not read type
    // parameter bounds from class files and takes V1 as non-null
    @SuppressWarnings("NullAway")
    Cache<String, @Nullable AccessKey> keys =
        Caffeine.newBuilder().maximumSize(maxCachedKeys).executor(Runnable::run).<String, @Nullable AccessKey>build();
    this.cache = keys;
    this.decoy = digest.digest("decoy-secret-for-uniform-timing");
  }

  public AccessTokens tokens() {
    return tokens;
  }

  public SecretDigest digest() {
    return digest;
  }

  /** The key a token belongs to; throws {@code invalid_access_key} otherwise. */
  public AccessKey authenticate(@Nullable String token) {
    String id = tokens.keyIdOf(token);
    if (id == null || token == null) {
      throw invalid();
    }
    AccessKey key = cache.get(id, store::accessKey);
    int from = tokens.secretStart();
    int to = token.length() - AccessTokens.CHECKSUM_LENGTH;
    if (key == null) {
      digest.matches(token, from, to, d -> java.security.MessageDigest.isEqual(decoy, d));
      throw invalid();
    }
    if (!digest.matches(token, from, to, key::digestMatches)) {
      throw invalid();
    }
    touch(id);
    return key;
  }

  private void touch(String id) {
    long now = clock.nanoTime();
    Long last = lastTouch.get(id);
    if (last == null || now - last >= TOUCH_INTERVAL_NANOS) {
      lastTouch.put(id, now);
      Instant when = clock.now();
      store.touchAccessKey(id, when);
    }
  }

  /** Drops a cached key; called on every store change to that key. */
  public void invalidate(String keyId) {
    cache.invalidate(keyId);
    lastTouch.remove(keyId);
  }

  public long cachedKeys() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private static GatewayException invalid() {
    return new GatewayException(ErrorCode.INVALID_ACCESS_KEY, MESSAGE);
  }
}
