/**
 * Implementation: model resolution, compiled configurations, the routing snapshot and the planner. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.plan;

import org.jspecify.annotations.NullMarked;
