/**
 * Providers: the built-in catalog and custom providers as routing sees them.
 */
@NullMarked
package dev.aigateway.catalog;

import org.jspecify.annotations.NullMarked;
