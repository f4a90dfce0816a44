package dev.aigateway.spring.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with a PostgreSQL {@code DataSource} of its own, as an application would declare it
 * (here without Spring Boot's JDBC starter): with {@code aigateway.store=jdbc} the gateway keeps its state there.
 */
@SpringBootApplication
public class SharedApplication {
  /** The application's pool; {@code test.jdbc-url} holds user and password as URL parameters. */
  @Bean
  HikariDataSource dataSource(@Value("${test.jdbc-url}") String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(5);
    config.setPoolName("application");
    return new HikariDataSource(config);
  }
}
