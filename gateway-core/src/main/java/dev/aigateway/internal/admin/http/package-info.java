/**
 * The management API over HTTP, free of any server: a request (method, path, query, body) in, a status
 * and a JSON body out, for every HTTP adapter (the JDK server, servlets) to share. Not a published API.
 */
@NullMarked
package dev.aigateway.internal.admin.http;

import org.jspecify.annotations.NullMarked;
