/**
 * The management API in Java: create, list, update and delete every resource.
 */
@NullMarked
package dev.aigateway.admin;

import org.jspecify.annotations.NullMarked;
