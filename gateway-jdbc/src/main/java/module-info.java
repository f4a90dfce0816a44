/**
 * AI Gateway for Java on PostgreSQL: {@code JdbcKeyStore}, a {@code KeyStore} that several gateway instances
 * share, with changes carried between them by LISTEN/NOTIFY and a polling safety net; {@code JdbcCreditLedger} and
 * {@code JdbcUsageLog}, the credits and usage events they share.
 */
module dev.aigateway.jdbc {
  requires transitive dev.aigateway.core;
  requires transitive java.sql;
  requires com.fasterxml.jackson.databind;
  requires com.zaxxer.hikari;
  requires org.postgresql.jdbc;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.aigateway.jdbc;
}
