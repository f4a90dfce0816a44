package dev.aigateway.internal.auth;

import java.security.SecureRandom;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Access key tokens: {@code <prefix><public>-g1-<secret><checksum>}.
 *
 * <p>The public part is the access key id's 22-character body, so a token names its key without a
 * search. The secret is 32 base62 characters from {@link SecureRandom} (about 190 bits). The checksum is
 * the CRC32 of everything before it, as 6 base62 characters, so a mistyped or truncated token is refused
 * without touching the store.
 */
public final class AccessTokens {
  public static final int PUBLIC_LENGTH = 22;
  public static final int SECRET_LENGTH = 32;
  public static final int CHECKSUM_LENGTH = 6;
  static final String SEPARATOR = "-g1-";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean[] BASE62 = new boolean[128];
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);
  private static final ThreadLocal<CRC32> CRCS = ThreadLocal.withInitial(CRC32::new);

  static {
    for (char c : Base62.ALPHABET) {
      BASE62[c] = true;
    }
  }
  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLE[n] = c;
    }
  }

  private final String prefix;
  private final String idPrefix;
  private final int length;

  public AccessTokens(String prefix, String idPrefix) {
    if (prefix.isEmpty() || !prefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("token prefix must be non-empty printable ASCII but was '" + prefix + "'");
    }
    this.prefix = prefix;
    this.idPrefix = idPrefix;
    this.length = prefix.length() + PUBLIC_LENGTH + SEPARATOR.length() + SECRET_LENGTH + CHECKSUM_LENGTH;
    if (length > 256) {
      throw new IllegalArgumentException("token prefix is too long: " + prefix.length() + " characters");
    }
  }

  public String prefix() {
    return prefix;
  }

  /** A new token for the key with this id. The id must have been made by {@link Ids#newId}. */
  public String newToken(String keyId) {
    if (!keyId.startsWith(idPrefix) || keyId.length() != idPrefix.length() + PUBLIC_LENGTH) {
      throw new IllegalArgumentException("not an access key id: " + keyId);
    }
    StringBuilder sb = new StringBuilder(length).append(prefix).append(keyId, idPrefix.length(), keyId.length())
        .append(SEPARATOR);
    Base62.appendRandom(sb, RANDOM, SECRET_LENGTH);
    Base62.appendFixed(sb, crc32(sb, 0, sb.length()) & 0xFFFFFFFFL, CHECKSUM_LENGTH);
    return sb.toString();
  }

  /**
   * Checks the format and checksum of a presented token; answers the key id it names, or null when
   * the token is malformed. Does no I/O and allocates only the id.
   */
  public @Nullable String keyIdOf(@Nullable String token) {
    if (token == null || token.length() != length || !token.startsWith(prefix)) {
      return null;
    }
    int publicStart = prefix.length();
    int sep = publicStart + PUBLIC_LENGTH;
    if (!token.startsWith(SEPARATOR, sep)) {
      return null;
    }
    int checksumStart = length - CHECKSUM_LENGTH;
    // one pass: check the alphabet of the public and secret parts while copying to bytes for CRC32
    byte[] bytes = SCRATCH.get();
    for (int k = 0; k < checksumStart; k++) {
      char c = token.charAt(k);
      if (k >= publicStart && (k < sep || k >= sep + SEPARATOR.length()) && (c >= 128 || !BASE62[c])) {
        return null;
      }
      bytes[k] = (byte) c;
    }
    long expected = Base62.decodeFixed(token, checksumStart, length);
    CRC32 crc = CRCS.get();
    crc.reset();
    crc.update(bytes, 0, checksumStart);
    if (expected < 0 || expected != crc.getValue()) {
      return null;
    }
    return idPrefix + token.substring(publicStart, sep);
  }

  /** Start index of the secret part in a token that passed {@link #keyIdOf}. */
  public int secretStart() {
    return prefix.length() + PUBLIC_LENGTH + SEPARATOR.length();
  }

  /** Redacted display form: the prefix and public part, then {@code ***} and the last 4 characters. */
  public String redact(String token) {
    return token.substring(0, prefix.length() + 6) + "***" + token.substring(token.length() - 4);
  }

  static int crc32(CharSequence s, int from, int to) {
    int c = 0xFFFFFFFF;
    for (int i = from; i < to; i++) {
      c = CRC_TABLE[(c ^ s.charAt(i)) & 0xFF] ^ (c >>> 8);
    }
    return ~c;
  }
}
