package dev.aigateway.internal.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.internal.store.InMemoryKeyStore;
import dev.aigateway.internal.store.StoreCodec;
import dev.aigateway.resource.AccessKey;
import dev.aigateway.resource.AdminKey;
import dev.aigateway.resource.CustomProvider;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.spi.ResourceType;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One resource type's table: its SQL, how a resource becomes a row (the data directory's JSON as {@code body},
 * plus the columns an operator queries by), and where it lives in the in-memory mirror.
 *
 * @param key the column (and the mirror's key) that identifies a resource: {@code provider_id} for custom
 *     providers, {@code id} for the others
 * @param order how lists are ordered: creation order, or id for access keys
 */
public record Table<T>(ResourceType type, String name, String key, String order, Function<T, String> keyOf,
    BiFunction<StoreCodec, T, ObjectNode> encode, BiFunction<StoreCodec, ObjectNode, T> decode,
    List<String> columns, Function<T, List<String>> values, BiConsumer<InMemoryKeyStore, T> putInto,
    BiPredicate<InMemoryKeyStore, String> removeFrom, Function<InMemoryKeyStore, List<T>> all) {

  public static final Table<AccessKey> ACCESS_KEYS = new Table<>(ResourceType.ACCESS_KEY, "access_keys", "id", "id",
      AccessKey::id, (codec, k) -> {
        ObjectNode body = codec.accessKey(k);
        body.remove("lastUsed"); // kept in its own column, written without a notification
        return body;
      }, StoreCodec::accessKey, List.of("id", "configuration_id"),
      k -> List.of(k.id(), k.configurationId() == null ? "" : k.configurationId()),
      InMemoryKeyStore::putAccessKey, InMemoryKeyStore::deleteAccessKey,
      m -> m.accessKeys(null, Integer.MAX_VALUE));
  public static final Table<AccessKeyConfiguration> CONFIGURATIONS = new Table<>(ResourceType.CONFIGURATION,
      "configurations", "id", "created_seq", c -> Objects.requireNonNull(c.id(), "a stored configuration needs an id"),
      StoreCodec::configuration, StoreCodec::configuration, List.of("id"),
      c -> List.of(Objects.requireNonNull(c.id(), "id")), InMemoryKeyStore::putConfiguration,
      InMemoryKeyStore::deleteConfiguration, InMemoryKeyStore::configurations);
  public static final Table<ProviderKey> PROVIDER_KEYS = new Table<>(ResourceType.PROVIDER_KEY, "provider_keys", "id",
      "created_seq", ProviderKey::id, StoreCodec::providerKey, StoreCodec::providerKey, List.of("id", "provider_id"),
      k -> List.of(k.id(), k.providerId()), InMemoryKeyStore::putProviderKey, InMemoryKeyStore::deleteProviderKey,
      InMemoryKeyStore::providerKeys);
  public static final Table<CustomProvider> PROVIDERS = new Table<>(ResourceType.PROVIDER, "providers", "provider_id",
      "created_seq", CustomProvider::providerId, StoreCodec::provider, StoreCodec::provider,
      List.of("provider_id", "id"), p -> List.of(p.providerId(), p.id()), InMemoryKeyStore::putProvider,
      InMemoryKeyStore::deleteProvider, InMemoryKeyStore::providers);
  public static final Table<VirtualModel> VIRTUAL_MODELS = new Table<>(ResourceType.VIRTUAL_MODEL, "virtual_models",
      "id", "created_seq", VirtualModel::id, StoreCodec::virtualModel, StoreCodec::virtualModel, List.of("id"),
      v -> List.of(v.id()), InMemoryKeyStore::putVirtualModel, InMemoryKeyStore::deleteVirtualModel,
      InMemoryKeyStore::virtualModels);

  public static final Table<AdminKey> ADMIN_KEYS = new Table<>(ResourceType.ADMIN_KEY, "admin_keys", "id", "id",
      AdminKey::id, (codec, k) -> {
        ObjectNode body = codec.adminKey(k);
        body.remove("lastUsed"); // kept in its own column, written without a notification
        return body;
      }, StoreCodec::adminKey, List.of("id"), k -> List.of(k.id()), InMemoryKeyStore::putAdminKey,
      InMemoryKeyStore::deleteAdminKey, m -> m.adminKeys(null, Integer.MAX_VALUE));

  /** The one gateway configuration document ({@code /gateway-config}); its body is the document itself. */
  public static final Table<String> GATEWAY_CONFIG = new Table<>(ResourceType.GATEWAY_CONFIG, "gateway_config", "id",
      "id", json -> KeyStore.GATEWAY_CONFIG_ID, (codec, json) -> document(json), (codec, body) -> body.toString(),
      List.of("id"), json -> List.of(KeyStore.GATEWAY_CONFIG_ID), InMemoryKeyStore::putGatewayConfig,
      (m, id) -> m.removeGatewayConfig(), m -> {
        String json = m.gatewayConfig();
        return json == null ? List.of() : List.of(json);
      });

  /** Every table, in the order a full load reads them (configurations before the access keys that link them). */
  public static final List<Table<?>> ALL = List.of(CONFIGURATIONS, PROVIDER_KEYS, PROVIDERS, VIRTUAL_MODELS,
      ACCESS_KEYS, ADMIN_KEYS, GATEWAY_CONFIG);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode document(String json) {
    try {
      if (JSON.readTree(json) instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      // refused below, without the content
    }
    throw new IllegalArgumentException("the gateway configuration must be a JSON object");
  }

  public static Table<?> of(ResourceType type) {
    for (Table<?> t : ALL) {
      if (t.type == type) {
        return t;
      }
    }
    throw new IllegalArgumentException("no table for " + type);
  }

  /** Access keys and admin keys keep their last use in a column of its own ({@code last_used}). */
  boolean hasLastUsed() {
    return type == ResourceType.ACCESS_KEY || type == ResourceType.ADMIN_KEY;
  }

  /** Insert, or replace the row with the same key; a replaced row keeps its place in creation order. */
  String upsertSql(String schema) {
    String q = Sql.quote(schema) + "." + name;
    List<String> placeholders = new ArrayList<>();
    List<String> updates = new ArrayList<>();
    for (String column : columns) {
      placeholders.add(column.equals("configuration_id") ? "nullif(?, '')" : "?");
      if (!column.equals(key)) {
        updates.add(column + " = excluded." + column);
      }
    }
    updates.add("body = excluded.body");
    String cols = String.join(", ", columns) + ", body";
    String vals = String.join(", ", placeholders) + ", ?::jsonb";
    if (hasLastUsed()) {
      cols += ", last_used";
      vals += ", ?";
      updates.add("last_used = greatest(" + q + ".last_used, excluded.last_used)");
    }
    return "insert into " + q + " (" + cols + ") values (" + vals + ") on conflict (" + key + ") do update set "
        + String.join(", ", updates);
  }

  /** Binds {@link #upsertSql}'s parameters. */
  void bindUpsert(PreparedStatement ps, T value, String body) throws SQLException {
    int i = 1;
    for (String v : values.apply(value)) {
      ps.setString(i++, v);
    }
    ps.setString(i++, body);
    if (hasLastUsed()) {
      bindLastUsed(ps, i, value);
    }
  }

  /**
   * Replaces the row with the same key and inserts nothing when there is none (the row count tells which): an
   * update never brings back a row another instance deleted. The row keeps its place in creation order.
   */
  String replaceSql(String schema) {
    String q = Sql.quote(schema) + "." + name;
    List<String> updates = new ArrayList<>();
    for (String column : columns) {
      if (!column.equals(key)) {
        updates.add(column + " = " + (column.equals("configuration_id") ? "nullif(?, '')" : "?"));
      }
    }
    updates.add("body = ?::jsonb");
    if (hasLastUsed()) {
      updates.add("last_used = greatest(last_used, ?)");
    }
    return "update " + q + " set " + String.join(", ", updates) + " where " + key + " = ?";
  }

  /** Binds {@link #replaceSql}'s parameters. */
  void bindReplace(PreparedStatement ps, T value, String body) throws SQLException {
    int i = 1;
    List<String> vals = values.apply(value);
    for (int c = 0; c < columns.size(); c++) {
      if (!columns.get(c).equals(key)) {
        ps.setString(i++, vals.get(c));
      }
    }
    ps.setString(i++, body);
    if (hasLastUsed()) {
      bindLastUsed(ps, i++, value);
    }
    ps.setString(i, keyOf.apply(value));
  }

  private static void bindLastUsed(PreparedStatement ps, int i, Object value) throws SQLException {
    Instant lastUsed = value instanceof AdminKey admin ? admin.lastUsed() : ((AccessKey) value).lastUsed();
    if (lastUsed == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(i, OffsetDateTime.ofInstant(lastUsed, ZoneOffset.UTC));
    }
  }

  String deleteSql(String schema) {
    return "delete from " + Sql.quote(schema) + "." + name + " where " + key + " = ?";
  }

  /** Every row: key, body as text, last use (access and admin keys only), in list order. */
  String selectAllSql(String schema) {
    return select(schema) + " order by " + order;
  }

  /** The rows whose key is in the array parameter. */
  String selectSomeSql(String schema) {
    return select(schema) + " where " + key + " = any(?) order by " + order;
  }

  private String select(String schema) {
    return "select " + key + ", body::text, " + (hasLastUsed() ? "last_used" : "null::timestamptz") + " from "
        + Sql.quote(schema) + "." + name;
  }

  /** Decodes a row's body (and, for access and admin keys, its last use). */
  T decode(StoreCodec codec, ObjectNode body, @Nullable OffsetDateTime lastUsed) {
    if (lastUsed != null) {
      body.put("lastUsed", lastUsed.toInstant().toString());
    }
    return decode.apply(codec, body);
  }
}
