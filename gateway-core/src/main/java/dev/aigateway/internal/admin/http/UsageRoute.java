package dev.aigateway.internal.admin.http;

import dev.aigateway.ErrorCode;
import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.spi.UsageLog;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Usage: {@code GET /usage} (the usage events, one per attempt, newest first; {@code startTime},
 * {@code endTime}, {@code accessKeyId}, {@code includeRetries}, {@code cursor}, {@code limit}),
 * {@code GET /usage/overview?groupBy=provider|accessKey} (daily buckets; {@code startTime}, {@code endTime})
 * and {@code GET /usage/requests/{id}} (the attempts of one request still in the recent request log).
 */
final class UsageRoute implements AdminRoute {
  private final Gateway gateway;
  private final AdminCodec codec;

  UsageRoute(Gateway gateway, AdminCodec codec) {
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  @Override
  public AdminResponse handle(AdminRequest request) {
    if (request.segments().size() == 1) {
      if (!request.isRead()) {
        throw request.methodNotAllowed();
      }
      return events(request);
    }
    if (request.segments().get(1).equals("overview")) {
      request.requireRead("overview", 2);
      return overview(request);
    }
    request.requireRead("requests", 3);
    String id = request.segments().get(2);
    RequestRecord r = gateway.request(id);
    if (r == null) {
      throw new GatewayException(ErrorCode.NOT_FOUND, "No request '" + id.replaceAll("[^A-Za-z0-9_]", "?")
          + "' in the recent request log.");
    }
    return AdminResponse.ok(codec.request(r));
  }

  private AdminResponse events(AdminRequest request) {
    Map<String, String> q = request.query();
    int limit = limit(q.get("limit"));
    String accessKeyId = q.get("accessKeyId");
    if (accessKeyId != null && !accessKeyId.matches("[A-Za-z0-9_]{1,100}")) {
      throw new ConfigurationException("accessKeyId", "must be an access key id");
    }
    boolean includeRetries = bool("includeRetries", q.get("includeRetries"));
    String cursor = q.get("cursor");
    UsageLog.Query query = new UsageLog.Query(time("startTime", q.get("startTime")), time("endTime", q.get("endTime")),
        accessKeyId, includeRetries, cursor == null || cursor.isEmpty() ? null : cursor, limit);
    UsageLog.EventPage page;
    try {
      page = gateway.usageLog().list(query);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("cursor", "is not a cursor of this usage log");
    }
    return AdminResponse.ok(codec.usageEvents(page, q));
  }

  private AdminResponse overview(AdminRequest request) {
    Map<String, String> q = request.query();
    String g = q.getOrDefault("groupBy", "provider");
    UsageLog.GroupBy groupBy = switch (g) {
      case "provider" -> UsageLog.GroupBy.PROVIDER;
      case "accessKey" -> UsageLog.GroupBy.ACCESS_KEY;
      default -> throw new ConfigurationException("groupBy", "must be provider or accessKey");
    };
    Instant start = time("startTime", q.get("startTime"));
    Instant end = time("endTime", q.get("endTime"));
    return AdminResponse.ok(codec.usageOverview(gateway.usageLog().overview(start, end, groupBy), groupBy));
  }

  private static int limit(@Nullable String v) {
    if (v == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= UsageLog.MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ConfigurationException("limit", "must be a number from 1 to " + UsageLog.MAX_PAGE);
  }

  /** {@code true} unless {@code false}: the reference lists retries unless asked not to. */
  private static boolean bool(String name, @Nullable String v) {
    if (v == null || v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw new ConfigurationException(name, "must be true or false");
  }

  private static @Nullable Instant time(String name, @Nullable String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new ConfigurationException(name, "must be an RFC 3339 time such as 2026-11-20T00:00:00Z");
    }
  }
}
