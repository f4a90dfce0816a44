package dev.aigateway.internal.admin.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.admin.Page;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints of one resource, as the reference lays them out: {@code GET /<base>} (a page, newest
 * first), {@code POST /<base>} (create, 201), {@code GET|PATCH|DELETE /<base>/{id}} (delete: 204), any
 * other method 405, any other depth 404. A subclass reads the bodies and calls its service.
 *
 * @param <T> the resource
 */
abstract class ResourceRoute<T> implements AdminRoute {
  private final AdminCodec codec;
  private final String wrapper;
  private final String uri;
  private final Function<String, T> get;
  private final Consumer<String> delete;
  private final Function<T, ObjectNode> json;

  /**
   * @param wrapper the list's field, e.g. {@code aiGatewayAccessKeys}
   * @param uri the collection's path, e.g. {@code /access-keys}
   * @param get the service's lookup by id ({@code not_found} when absent)
   * @param delete the service's delete by id
   * @param json the codec's writer of one resource
   */
  ResourceRoute(AdminCodec codec, String wrapper, String uri, Function<String, T> get, Consumer<String> delete,
      Function<T, ObjectNode> json) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.wrapper = Objects.requireNonNull(wrapper, "wrapper");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.get = Objects.requireNonNull(get, "get");
    this.delete = Objects.requireNonNull(delete, "delete");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public final AdminResponse handle(AdminRequest request) {
    String id = request.id();
    if (id == null) {
      if (request.isRead()) {
        return AdminResponse.ok(codec.list(wrapper, uri, list(request), json, request.query()));
      }
      request.requireMethod("POST");
      return AdminResponse.created(create(request));
    }
    if (request.segments().size() == 3) {
      AdminResponse answer = action(id, request.segments().get(2), request);
      if (answer != null) {
        return answer;
      }
    }
    request.requireDepth(2);
    return switch (request.method()) {
      case "GET", "HEAD" -> AdminResponse.ok(json(get.apply(id)));
      case "PATCH" -> AdminResponse.ok(json(update(id, request)));
      case "DELETE" -> {
        delete.accept(id);
        yield AdminResponse.noContent();
      }
      default -> throw request.methodNotAllowed();
    };
  }

  /** The page that {@code beforeId}, {@code limit} (and any filter) of the request ask for. */
  abstract Page<T> list(AdminRequest request);

  /** Creates the resource from the body; returns the created resource's JSON. */
  abstract ObjectNode create(AdminRequest request);

  /** Applies the PATCH body: an omitted field is unchanged, {@code null} clears it. */
  abstract T update(String id, AdminRequest request);

  /** {@code /<base>/{id}/<action>}; null when there is no such action (404). */
  @Nullable AdminResponse action(String id, String action, AdminRequest request) {
    return null;
  }

  /** The resource as the codec writes it. */
  final ObjectNode json(T resource) {
    return json.apply(resource);
  }
}
