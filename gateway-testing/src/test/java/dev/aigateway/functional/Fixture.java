package dev.aigateway.functional;

import dev.aigateway.config.ConfigurationJson;

import dev.aigateway.Gateway;
import dev.aigateway.GatewayException;
import dev.aigateway.GatewayRequest;
import dev.aigateway.Surface;
import dev.aigateway.routing.RoutePlan;

import dev.aigateway.admin.AccessKeyChange;
import dev.aigateway.admin.GatewayAdmin;
import dev.aigateway.admin.ProviderKeyChange;
import dev.aigateway.config.AccessKeyConfiguration;
import dev.aigateway.resource.ProviderKey;
import dev.aigateway.spi.CredentialResolver;
import dev.aigateway.spi.KeyStore;
import dev.aigateway.testing.FakeClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A gateway on a fake clock with helpers to provision keys and make requests. */
public final class Fixture {
  public final FakeClock clock = FakeClock.create();
  public final KeyStore store;
  public final Gateway gateway;
  public final GatewayAdmin admin;

  public Fixture() {
    this(KeyStore.inMemory(), CredentialResolver.storeValues());
  }

  public Fixture(CredentialResolver credentials) {
    this(KeyStore.inMemory(), credentials);
  }

  public Fixture(KeyStore store, CredentialResolver credentials) {
    this(Gateway.builder().keyStore(store).credentialResolver(credentials), store);
  }

  public Fixture(Gateway.Builder builder, KeyStore store) {
    this.store = store;
    this.gateway = builder.clock(clock).build();
    this.admin = gateway.admin();
  }

  public ProviderKey providerKey(String provider, String name) {
    return admin.providerKeys().create(ProviderKeyChange.builder().providerId(provider).name(name)
        .value("sk-" + provider + "-" + name + "-0123456789abcdef").build());
  }

  /** A new access key linked to {@code configurationId} (null: none); answers its token. */
  public String accessKey(@Nullable String configurationId) {
    return admin.accessKeys().create(AccessKeyChange.builder().name("test").configurationId(configurationId).build())
        .token();
  }

  public AccessKeyConfiguration configuration(String json, Map<String, String> replacements) {
    return admin.configurations().create(ConfigurationJson.parseCreate(replace(json, replacements)));
  }

  public RoutePlan chat(String token, String body) {
    return gateway.plan(GatewayRequest.of(Surface.CHAT_COMPLETIONS, token, body));
  }

  public RoutePlan chatModel(String token, String model) {
    return chat(token, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }

  public static String replace(String json, Map<String, String> replacements) {
    String out = json;
    for (Map.Entry<String, String> e : replacements.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  public static String resource(String name) {
    try (InputStream in = Fixture.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code r} and answers the {@link GatewayException} it throws; fails if it throws none. */
  public static GatewayException catchGateway(Runnable r) {
    try {
      r.run();
    } catch (GatewayException e) {
      return e;
    }
    throw new AssertionError("expected a GatewayException");
  }
}
