/**
 * Routing plans: the candidates of a request in order, their planned attempts, the rule that matched each, and the candidates rejected and why. Made by {@code Gateway.plan} offline.
 */
@NullMarked
package dev.aigateway.routing;

import org.jspecify.annotations.NullMarked;
