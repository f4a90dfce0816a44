/**
 * The stored resources: access keys, provider keys, custom providers, virtual models.
 */
@NullMarked
package dev.aigateway.resource;

import org.jspecify.annotations.NullMarked;
