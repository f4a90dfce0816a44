package dev.aigateway.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.AdminKeyChange;
import dev.aigateway.admin.ConfigurationChange;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.json.ConfigurationCodec;
import dev.aigateway.internal.json.Json;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The management API's JSON request bodies as changes: PATCH semantics (an omitted field is unchanged,
 * {@code null} clears it), unknown fields refused, every error naming its field.
 */
public final class AdminJson {
  private static final Set<String> ACCESS_KEY_FIELDS = Set.of("name", "description", "metadata",
      "accessKeyConfigurationId");
  private static final Set<String> ADMIN_KEY_FIELDS = Set.of("name", "description", "metadata");
  private static final Set<String> CONFIGURATION_FIELDS = Set.of("name", "description", "metadata", "access",
      "router", "limits");

  private AdminJson() {}

  /** {@code {"name","description","metadata","accessKeyConfigurationId"}}, for create and PATCH. */
  public static AccessKeyChange accessKeyChange(String json) {
    Json.Obj o = new Json.Obj(Json.parseObject(json), "");
    o.allowOnly(ACCESS_KEY_FIELDS);
    AccessKeyChange.Builder b = AccessKeyChange.builder();
    ifPresent(o, "name", GatewayAdmin.MAX_NAME, b::name);
    ifPresent(o, "description", GatewayAdmin.MAX_NAME, b::description);
    ifPresent(o, "metadata", GatewayAdmin.MAX_METADATA, b::metadata);
    ifPresent(o, "accessKeyConfigurationId", 64, b::configurationId);
    return b.build();
  }

  /** {@code {"name","description","metadata"}} of an admin API key, for create and PATCH. */
  public static AdminKeyChange adminKeyChange(String json) {
    Json.Obj o = new Json.Obj(Json.parseObject(json), "");
    o.allowOnly(ADMIN_KEY_FIELDS);
    AdminKeyChange.Builder b = AdminKeyChange.builder();
    ifPresent(o, "name", GatewayAdmin.MAX_NAME, b::name);
    ifPresent(o, "description", GatewayAdmin.MAX_NAME, b::description);
    ifPresent(o, "metadata", GatewayAdmin.MAX_METADATA, b::metadata);
    return b.build();
  }

  /**
   * A configuration PATCH body: {@code name}, {@code description}, {@code metadata}, {@code access},
   * {@code router}, {@code limits} (replaced whole; null clears it).
   */
  public static ConfigurationChange configurationChange(String json) {
    Json.Obj o = new Json.Obj(Json.parseObject(json), "");
    o.allowOnly(CONFIGURATION_FIELDS);
    ConfigurationChange.Builder b = ConfigurationChange.builder();
    if (o.has("name")) {
      if (o.isNull("name")) {
        throw new ConfigurationException("name", "cannot be cleared");
      }
      b.name(o.reqString("name", GatewayAdmin.MAX_NAME));
    }
    ifPresent(o, "description", GatewayAdmin.MAX_NAME, b::description);
    ifPresent(o, "metadata", GatewayAdmin.MAX_METADATA, b::metadata);
    if (o.has("access")) {
      Json.Obj access = o.optObj("access");
      b.access(access == null ? null : ConfigurationCodec.readAccess(node(o, "access"), "access"));
    }
    if (o.has("router")) {
      Json.Obj router = o.optObj("router");
      b.rules(router == null ? null : ConfigurationCodec.readRouter(node(o, "router"), "router"));
    }
    if (o.has("limits")) {
      Json.Obj limits = o.optObj("limits");
      b.limits(limits == null ? null : ConfigurationCodec.readLimits(node(o, "limits"), "limits"));
    }
    return b.build();
  }

  /**
   * PATCH semantics for one optional string: when the body has {@code field}, its value ({@code null} to
   * clear) goes to {@code set}; when it has not, {@code set} is not called.
   */
  public static void ifPresent(Json.Obj o, String field, int maxLength, Consumer<@Nullable String> set) {
    if (o.has(field)) {
      set.accept(o.optString(field, maxLength));
    }
  }

  private static JsonNode node(Json.Obj o, String field) {
    return Objects.requireNonNull(o.raw(field));
  }
}
