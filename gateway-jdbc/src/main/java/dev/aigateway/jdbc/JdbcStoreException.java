package dev.aigateway.jdbc;

/**
 * The database could not be reached, or refused a statement, while the store read or changed it. The message
 * names the operation and the resource by id, never a secret; the driver's exception is the cause. A change
 * that throws this was not acknowledged: it may or may not have been made, and a retry is safe (puts replace,
 * deletes of a missing resource answer false).
 */
public final class JdbcStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JdbcStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
