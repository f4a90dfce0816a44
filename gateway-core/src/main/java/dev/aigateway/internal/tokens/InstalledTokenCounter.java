package dev.aigateway.internal.tokens;

import dev.aigateway.spi.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@link TokenCounter} registered with {@link ServiceLoader} (the thread's context class loader, and
 * on the module path the modules that provide one), for a gateway built without an explicit one.
 */
public final class InstalledTokenCounter {
  private static final Logger LOG = LoggerFactory.getLogger(InstalledTokenCounter.class);

  private InstalledTokenCounter() {}

  /**
   * The first registered counter, or {@link TokenCounter#fourBytesPerToken()} when there is none. Several: the
   * first is used, and the others are named in a warning.
   *
   * @throws IllegalStateException when a registered counter cannot be loaded or created
   */
  public static TokenCounter find() {
    List<TokenCounter> found = new ArrayList<>(1);
    try {
      for (TokenCounter c : ServiceLoader.load(TokenCounter.class)) {
        found.add(c);
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException("a TokenCounter registered in META-INF/services could not be loaded: "
          + e.getMessage(), e);
    }
    if (found.isEmpty()) {
      LOG.debug("no TokenCounter registered: token estimates count four bytes a token");
      return TokenCounter.fourBytesPerToken();
    }
    if (found.size() > 1) {
      List<String> names = new ArrayList<>();
      for (TokenCounter c : found) {
        names.add(c.getClass().getName());
      }
      LOG.warn("several TokenCounters registered {}; using the first (set one with Gateway.builder().tokenCounter)",
          names);
    }
    return found.get(0);
  }
}
