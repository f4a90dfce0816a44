package dev.aigateway.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-256-GCM for provider key values at rest: a fresh 12-byte IV per encryption, the record id as
 * associated data (a value moved to another record does not decrypt), output {@code base64(iv || ct)}.
 * The master key lives outside the data file: {@code AIGATEWAY_MASTER_KEY} (base64 of 32 bytes) or a
 * {@code master.key} file created with mode 0600.
 *
 * <p>Every problem with a master key is an {@link IllegalStateException} whose message names where the key
 * came from and what to do, and never holds the key or any part of it.
 */
public final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String EXPECTED = "a master key is the base64 encoding of 32 bytes (44 characters)";
  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes but was " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /**
   * The key from {@code envValue} (base64) if given, else from {@code file}, created 0600 if missing.
   *
   * @throws IllegalStateException when the key is malformed or the file is open to other users
   */
  public static SecretBox load(@Nullable String envValue, Path file) throws IOException {
    if (envValue != null && !envValue.isBlank()) {
      return fromEnvironment(envValue);
    }
    SecretBox box = readFile(file);
    return box != null ? box : createFile(file);
  }

  /**
   * The key given as {@code AIGATEWAY_MASTER_KEY}.
   *
   * @throws IllegalStateException when it is not the base64 of 32 bytes (the message never shows the value)
   */
  public static SecretBox fromEnvironment(String value) {
    return decode(value, "AIGATEWAY_MASTER_KEY is not a valid master key",
        "Set it to the key this data directory was sealed with, or unset it to use the master.key file.");
  }

  /**
   * The key in {@code file}, or null when there is no such file. On a file system with POSIX permissions,
   * a file that its group or other users may read, write or execute is refused.
   *
   * @throws IllegalStateException when the file is open to other users or does not hold a valid key
   * @throws IOException when the file exists but cannot be read
   */
  public static @Nullable SecretBox readFile(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    checkPrivate(file);
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    return decode(text, "The master key file " + file + " does not hold a valid master key",
        "Restore it from a backup: provider keys sealed with it cannot be read with any other key.");
  }

  /**
   * Creates {@code file} with mode 0600 (where the file system has POSIX permissions) holding a new random key.
   *
   * @throws IOException when the file exists already or cannot be written
   */
  public static SecretBox createFile(Path file) throws IOException {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    // crash-safe: a temporary file written and forced, renamed over the name, then the directory forced,
    // so the key is whole on disk before anything sealed with it can be
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap((Base64.getEncoder().encodeToString(k) + "\n").getBytes(StandardCharsets.US_ASCII)));
      out.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot force a directory; the rename is still atomic
      }
    }
    return new SecretBox(k);
  }

  private static void checkPrivate(Path file) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions on this file system: nothing to check
    }
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : permissions) {
      if (p != PosixFilePermission.OWNER_READ && p != PosixFilePermission.OWNER_WRITE
          && p != PosixFilePermission.OWNER_EXECUTE) {
        open.add(p);
      }
    }
    if (!open.isEmpty()) {
      throw new IllegalStateException("The master key file " + file + " is open to other users (its permissions are "
          + PosixFilePermissions.toString(permissions) + "); it must be readable by its owner only. Run `chmod 600 "
          + file + "` and start again. Refusing to start with a key others may have read.");
    }
  }

  /** Decodes {@code text} (surrounding whitespace ignored); the messages say what is wrong, never what it holds. */
  private static SecretBox decode(String text, String problem, String advice) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalStateException(problem + ": it is empty, but " + EXPECTED + ". " + advice);
    }
    byte[] k;
    try {
      k = Base64.getDecoder().decode(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(problem + ": it is not base64 (" + trimmed.length() + " characters), but "
          + EXPECTED + ". " + advice);
    }
    if (k.length != 32) {
      String hint = k.length < 32 ? " (is it cut short?)" : "";
      Arrays.fill(k, (byte) 0);
      throw new IllegalStateException(problem + ": it decodes to " + k.length + " bytes" + hint + ", but " + EXPECTED
          + ". " + advice);
    }
    try {
      return new SecretBox(k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
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
