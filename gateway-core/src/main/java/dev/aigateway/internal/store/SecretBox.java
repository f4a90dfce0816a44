package dev.aigateway.internal.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM for provider key values at rest: a fresh 12-byte IV per encryption, the record id as
 * associated data (a value moved to another record does not decrypt), output {@code base64(iv || ct)}.
 * The master key lives outside the data file: {@code AIGATEWAY_MASTER_KEY} (base64 of 32 bytes) or a
 * {@code master.key} file created with mode 0600.
 */
public final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes but was " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** The key from {@code envValue} (base64) if given, else from {@code file}, created 0600 if missing. */
  public static SecretBox load(@Nullable String envValue, Path file) throws IOException {
    if (envValue != null && !envValue.isBlank()) {
      byte[] k;
      try {
        k = Base64.getDecoder().decode(envValue.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("AIGATEWAY_MASTER_KEY is not base64");
      }
      return new SecretBox(k);
    }
    if (Files.exists(file)) {
      byte[] k = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
      return new SecretBox(k);
    }
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, Base64.getEncoder().encodeToString(k) + "\n", StandardCharsets.US_ASCII,
        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
    return new SecretBox(k);
  }

  public String seal(String plaintext, String recordId) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      c.updateAAD(recordId.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + ct.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(ct, 0, out, iv.length, ct.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** Decrypts; throws {@link IllegalStateException} (naming the record, never the data) if it does not verify. */
  public String open(String sealed, String recordId) {
    try {
      byte[] in = Base64.getDecoder().decode(sealed);
      if (in.length < 12 + 16) {
        throw new IllegalStateException("sealed value of " + recordId + " is too short");
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(recordId.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("the secret of " + recordId
          + " does not decrypt: wrong master key, or the data was altered");
    }
  }
}
