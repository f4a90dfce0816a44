/**
 * Implementation of the PostgreSQL store: schema migrations, the resource tables, and the thread that follows
 * changes made by other instances. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.jdbc;

import org.jspecify.annotations.NullMarked;
