package dev.aigateway.internal.admin.http;

/** The endpoints under one top-level path segment ({@code /access-keys}, {@code /usage}, ...). */
interface AdminRoute {
  /** Answers an authorized request whose first segment is this route's; throws {@code GatewayException} to refuse. */
  AdminResponse handle(AdminRequest request);
}
