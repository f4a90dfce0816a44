/**
 * The shared PostgreSQL store: {@link dev.aigateway.jdbc.JdbcKeyStore}. Several gateway instances (replicas of
 * one host application) each open their own {@code JdbcKeyStore} on one database and see each other's changes
 * within a second.
 */
@NullMarked
package dev.aigateway.jdbc;

import org.jspecify.annotations.NullMarked;
