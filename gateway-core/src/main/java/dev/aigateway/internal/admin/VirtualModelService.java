package dev.aigateway.internal.admin;

import static dev.aigateway.admin.GatewayAdmin.MAX_NAME;
import static dev.aigateway.internal.admin.AdminSupport.found;
import static dev.aigateway.internal.admin.AdminSupport.pageOf;
import static dev.aigateway.internal.admin.AdminSupport.replaced;
import static dev.aigateway.internal.admin.AdminSupport.text;

import dev.aigateway.ErrorCode;
import dev.aigateway.GatewayException;
import dev.aigateway.admin.Field;
import dev.aigateway.admin.Page;
import dev.aigateway.admin.VirtualModelAdmin;
import dev.aigateway.catalog.Provider;
import dev.aigateway.config.ConfigurationException;
import dev.aigateway.internal.auth.Ids;
import dev.aigateway.internal.plan.ModelResolver;
import dev.aigateway.internal.plan.RoutingView;
import dev.aigateway.resource.VirtualModel;
import dev.aigateway.spi.KeyStore;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Virtual models: a name that is no provider's model and no other virtual model's, with 1 to 10
 * distinct, resolvable targets that are not virtual models themselves.
 */
final class VirtualModelService implements VirtualModelAdmin {
  private static final Pattern VIRTUAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final AdminSupport support;
  private final KeyStore store;
  private final RoutingView routing;

  VirtualModelService(AdminSupport support, RoutingView routing) {
    this.support = Objects.requireNonNull(support, "support");
    this.store = support.store();
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  @Override
  public VirtualModel create(String name, @Nullable String description, List<String> targets) {
    synchronized (support.lock()) {
      checkVirtualModel(null, name, description, targets);
      Instant now = support.now();
      VirtualModel vm = VirtualModel.of(Ids.newId(Ids.VIRTUAL_MODEL), name, description, targets, now, now);
      store.putVirtualModel(vm);
      return vm;
    }
  }

  @Override
  public VirtualModel get(String id) {
    return found(store.virtualModel(Objects.requireNonNull(id, "id")), "virtual model", id);
  }

  @Override
  public Page<VirtualModel> list(@Nullable String beforeId, int limit) {
    return pageOf(store::virtualModels, beforeId, limit, VirtualModel::id);
  }

  @Override
  public VirtualModel update(String id, @Nullable String name, Field<String> description,
      @Nullable List<String> targets) {
    synchronized (support.lock()) {
      VirtualModel vm = get(id);
      String n = name == null ? vm.name() : name;
      List<String> t = targets == null ? vm.targets() : targets;
      String d = description.orElse(vm.description());
      checkVirtualModel(vm.id(), n, d, t);
      VirtualModel updated = vm.withChanges(n, d, t, support.now());
      return replaced(store.replaceVirtualModel(updated), updated, "virtual model", id);
    }
  }

  @Override
  public void delete(String id) {
    support.delete("virtual model", id, store::deleteVirtualModel);
  }

  private void checkVirtualModel(@Nullable String selfId, String name, @Nullable String description,
      List<String> targets) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(targets, "targets");
    if (name.length() > VirtualModel.MAX_NAME) {
      throw new ConfigurationException("name", "must be at most 64 characters");
    }
    if (!VIRTUAL_NAME.matcher(name).matches()) {
      throw new ConfigurationException("name", "may use only letters, digits, '.', '_' and '-'");
    }
    text(description, "description", MAX_NAME);
    ModelResolver resolver = routing.resolver();
    for (Provider p : resolver.catalog().providers()) {
      if (p.canonicalModel(name) != null) {
        throw new GatewayException(ErrorCode.CONFLICT, "'" + name + "' is already a model of provider " + p.id() + ".");
      }
    }
    for (VirtualModel other : store.virtualModels()) {
      if (!other.id().equals(selfId) && other.name().equalsIgnoreCase(name)) {
        throw new GatewayException(ErrorCode.CONFLICT, "A virtual model named '" + name + "' already exists.");
      }
    }
    if (targets.isEmpty() || targets.size() > VirtualModel.MAX_TARGETS) {
      throw new ConfigurationException("targets", "must have 1 to 10 entries but had " + targets.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i);
      String path = "targets[" + i + "]";
      if (t == null || t.isEmpty()) {
        throw new ConfigurationException(path, "must not be empty");
      }
      for (VirtualModel other : store.virtualModels()) {
        if (other.name().equalsIgnoreCase(t) || name.equalsIgnoreCase(t)) {
          throw new ConfigurationException(path, "a virtual model cannot target a virtual model");
        }
      }
      ModelResolver.Resolved r;
      try {
        r = resolver.resolve(t, null, ModelResolver.NO_HINTS);
      } catch (GatewayException e) {
        throw new ConfigurationException(path, e.getMessage());
      }
      if (!seen.add(r.provider().id() + ":" + r.model().toLowerCase(Locale.ROOT))) {
        throw new ConfigurationException(path, "'" + ModelResolver.display(t) + "' is listed twice");
      }
    }
  }
}
