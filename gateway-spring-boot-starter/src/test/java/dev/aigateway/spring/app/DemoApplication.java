package dev.aigateway.spring.app;

import dev.aigateway.failover.FailoverPolicy;
import dev.aigateway.failover.RetryAction;
import dev.aigateway.failover.RequestRecord;
import dev.aigateway.spi.GatewayListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot web application with the starter on its class path: its own controllers keep
 * answering, the gateway serves {@code /v1/...}, and two beans of its own replace or join the defaults.
 */
@SpringBootApplication
public class DemoApplication {
  public static void main(String[] args) {
    SpringApplication.run(DemoApplication.class, args);
  }

  /** The application's own routes, one of them under /v1. */
  @RestController
  public static class HelloController {
    @GetMapping("/hello")
    public String hello() {
      return "hello from the application";
    }

    @GetMapping("/v1/other-thing")
    public String otherThing() {
      return "the application's own /v1 route";
    }
  }

  // --8<-- [start:failover-policy]
  /** Replaces the default policy: a 409 from a provider moves on to the next key, like a 429. */
  @Bean
  FailoverPolicy failoverPolicy() {
    FailoverPolicy defaults = FailoverPolicy.defaults();
    return new FailoverPolicy() {
      @Override
      public RetryAction classify(int status) {
        return status == 409 ? RetryAction.NEXT_KEY : defaults.classify(status);
      }

      @Override
      public Duration cooldown(int status, @Nullable Duration retryAfter) {
        return defaults.cooldown(status, retryAfter);
      }
    };
  }
  // --8<-- [end:failover-policy]

  // --8<-- [start:listener]
  /** Joins the gateway's listeners: every GatewayListener bean is told every event. */
  @Bean
  CompletedRequests completedRequests() {
    return new CompletedRequests();
  }

  /** Counts finished gateway requests. */
  public static class CompletedRequests extends GatewayListener {
    private final AtomicLong count = new AtomicLong();

    @Override
    public void completed(RequestRecord request) {
      count.incrementAndGet();
    }

    public long count() {
      return count.get();
    }
  }
  // --8<-- [end:listener]
}
