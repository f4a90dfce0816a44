package dev.aigateway.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How a {@code user} step orders its keys on each request. */
public enum KeySelectionStrategy {
  /** In list order, every request (the reference behaviour). */
  ORDERED("ordered"),
  /** Start one key further on each request, spreading load evenly. */
  ROUND_ROBIN("round-robin"),
  /** A random order in which a key with weight w comes first w times as often as one with weight 1. */
  WEIGHTED("weighted");

  private final String json;

  KeySelectionStrategy(String json) {
    this.json = json;
  }

  /** The JSON spelling: {@code ordered}, {@code round-robin}, {@code weighted}. */
  public String json() {
    return json;
  }

  public static @Nullable KeySelectionStrategy fromJson(String s) {
    for (KeySelectionStrategy k : values()) {
      if (k.json.equals(s.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    return null;
  }
}
