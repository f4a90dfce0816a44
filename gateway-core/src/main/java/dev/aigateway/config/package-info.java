/**
 * Access key configurations: access scope and routing rules, and their JSON form.
 */
@NullMarked
package dev.aigateway.config;

import org.jspecify.annotations.NullMarked;
