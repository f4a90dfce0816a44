/**
 * Implementation: what a served request costs and its charge to the credit ledger. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.credits;

import org.jspecify.annotations.NullMarked;
