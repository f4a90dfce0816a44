package dev.aigateway.internal.jdbc;

import java.util.regex.Pattern;

/** Identifier rules: the schema name is the only identifier taken from configuration, and it is checked. */
public final class Sql {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

  private Sql() {}

  /**
   * Checks a schema name: lower-case letters, digits and underscores, starting with a letter or underscore, at
   * most 40 characters (it also names the notification channel).
   *
   * @throws IllegalArgumentException naming the value when it does not fit
   */
  public static String checkSchema(String schema) {
    if (!SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema must be 1 to 40 lower-case letters, digits or underscores, starting "
          + "with a letter or underscore, but was '" + schema + "'");
    }
    return schema;
  }

  /** The schema as a quoted identifier (already checked, so it holds no quote). */
  public static String quote(String schema) {
    return '"' + checkSchema(schema) + '"';
  }

  /** The notification channel of a schema's changes. */
  public static String channel(String schema) {
    return checkSchema(schema) + "_changes";
  }
}
