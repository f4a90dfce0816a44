/**
 * Test fixtures for users and for this library: a fake clock and scripted upstreams.
 */
@NullMarked
package dev.aigateway.testkit;

import org.jspecify.annotations.NullMarked;
