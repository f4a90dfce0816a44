/**
 * The shared PostgreSQL store: {@link dev.aigateway.jdbc.JdbcKeyStore}. Several gateway instances (replicas of
 * one host application) each open their own {@code JdbcKeyStore} on one database and see each other's changes
 * within a second. {@link dev.aigateway.jdbc.JdbcCreditLedger} and {@link dev.aigateway.jdbc.JdbcUsageLog} keep
 * the account's credits and the usage events in the same database, one balance and one event log for all of them.
 */
@NullMarked
package dev.aigateway.jdbc;

import org.jspecify.annotations.NullMarked;
