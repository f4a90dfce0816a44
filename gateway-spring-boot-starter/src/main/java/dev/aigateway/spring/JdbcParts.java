package dev.aigateway.spring;

import dev.aigateway.jdbc.JdbcCreditLedger;
import dev.aigateway.jdbc.JdbcKeyStore;
import dev.aigateway.jdbc.JdbcUsageLog;
import dev.aigateway.spi.CreditLedger;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.UsageLog;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The parts of {@code aigateway.store=jdbc}, on the application's {@code DataSource}. Only this class names
 * {@code gateway-jdbc}'s types, and the auto-configuration calls it only after checking that the module is on
 * the class path, so the starter runs without it.
 */
final class JdbcParts {
  static final String KEY_STORE_CLASS = "dev.aigateway.jdbc.JdbcKeyStore";
  static final String MISSING = "aigateway.store=jdbc requires dev.aigateway:gateway-jdbc on the class path (it keeps "
      + "the store, the credit ledger and the usage events on the application's DataSource), or beans of the "
      + "application's own for each of them";

  private JdbcParts() {}

  /**
   * The shared store: master key from {@code AIGATEWAY_MASTER_KEY} when set (the same on every instance), else
   * the key file {@code master.key} in the data directory, created with mode 0600 when missing.
   */
  static KeyStore keyStore(DataSource dataSource, @Nullable String masterKey, Path dataDir) {
    JdbcKeyStore.Builder b = JdbcKeyStore.builder().dataSource(dataSource);
    if (masterKey != null && !masterKey.isBlank()) {
      b.masterKey(masterKey.trim());
    } else {
      b.masterKeyFile(dataDir.resolve("master.key"));
    }
    return b.build();
  }

  static CreditLedger creditLedger(DataSource dataSource) {
    return JdbcCreditLedger.builder().dataSource(dataSource).build();
  }

  static UsageLog usageLog(DataSource dataSource) {
    return JdbcUsageLog.builder().dataSource(dataSource).build();
  }
}
