/**
 * Exact token counts for the gateway's estimates: {@link dev.aigateway.tokenizer.O200kTokenCounter}, the
 * {@code o200k_base} implementation of {@link dev.aigateway.spi.TokenCounter}.
 */
@NullMarked
package dev.aigateway.tokenizer;

import org.jspecify.annotations.NullMarked;
