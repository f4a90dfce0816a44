package dev.aigateway.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.routing.RoutePlan;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Several listeners on one gateway, and the surface of a refused request. */
final class GatewayListenerComposeTest {

  /** Records events as text, prefixed with its name. */
  static final class Recording extends GatewayListener {
    final String name;
    final List<String> events;

    Recording(String name, List<String> events) {
      this.name = name;
      this.events = events;
    }

    @Override
    public void planned(RoutePlan plan) {
      events.add(name + " planned " + plan.surface().id());
    }

    @Override
    public void rejected(String requestId, Surface surface, GatewayException error) {
      events.add(name + " rejected " + surface.id() + " " + error.code().code());
    }
  }

  @Test
  void composed_tellsEachInOrder_evenWhenOneThrows() {
    List<String> events = new CopyOnWriteArrayList<>();
    GatewayListener throwing = new GatewayListener() {
      @Override
      public void planned(RoutePlan plan) {
        events.add("throwing planned");
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void rejected(String requestId, GatewayException error) {
        events.add("throwing rejected (two-argument form) " + error.code().code());
        throw new IllegalStateException("listener bug");
      }
    };
    GatewayListener both = GatewayListener.compose(new Recording("a", events), throwing, GatewayListener.NONE,
        new Recording("b", events));
    try (Gateway gateway = Gateway.builder().listener(both).build()) {
      gateway.admin().providerKeys().create(ProviderKeyChange.builder().providerId("openai").name("k")
          .value("sk-compose-0000").build());
      String token = gateway.admin().accessKeys().create(AccessKeyChange.builder().name("t").build()).token();
      gateway.plan(GatewayRequest.of(Surface.EMBEDDINGS, token, "{\"model\":\"text-embedding-3-small\"}"));
      assertThatThrownBy(() -> gateway.plan(GatewayRequest.of(Surface.MESSAGES, "ng-nope", "{}")))
          .isInstanceOf(GatewayException.class);
    }
    assertThat(events).containsExactly("a planned embeddings", "throwing planned", "b planned embeddings",
        "a rejected messages invalid_access_key", "throwing rejected (two-argument form) invalid_access_key",
        "b rejected messages invalid_access_key");
  }

  @Test
  void composingNothingIsNone_andOneIsItself() {
    GatewayListener one = new Recording("one", List.of());
    assertThat(GatewayListener.compose()).isSameAs(GatewayListener.NONE);
    assertThat(GatewayListener.compose(GatewayListener.NONE, one)).isSameAs(one);
    assertThat(GatewayListener.compose(one, one).toString()).startsWith("GatewayListener.compose[");
    assertThatThrownBy(() -> GatewayListener.compose(one, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("listener");
  }
}
