package dev.aigateway.examples.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runnable server in a process of its own (its own heap, killable), on this test's class path. */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  final String url;
  /** The server's output lines after "listening" (the last 200), for failure messages. */
  private final java.util.Deque<String> output;

  private ServerProcess(Process process, String url, java.util.Deque<String> output) {
    this.process = process;
    this.url = url;
    this.output = output;
  }

  /** The server's last output lines. */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Starts the server with these JVM options and server flags; answers once it listens. */
  static ServerProcess start(List<String> jvmOptions, Map<String, String> env, String... flags) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.aigateway.examples.server.GatewayServer");
    command.addAll(List.of(flags));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    java.util.Deque<String> output = new java.util.ArrayDeque<>();
    try {
      return new ServerProcess(p, awaitUrl(p, output), output);
    } catch (Exception | AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
  }

  private static String awaitUrl(Process p, java.util.Deque<String> lines) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern listening = Pattern.compile("listening on (http://\\S+)");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    while (System.nanoTime() < until && (line = out.readLine()) != null) {
      Matcher m = listening.matcher(line);
      if (m.find()) {
        Thread t = new Thread(() -> {
          try {
            String rest;
            while ((rest = out.readLine()) != null) {
              synchronized (lines) {
                lines.addLast(rest);
                if (lines.size() > 200) {
                  lines.removeFirst();
                }
              }
            }
          } catch (IOException e) {
            // the process is gone
          }
        });
        t.setDaemon(true);
        t.start();
        return m.group(1);
      }
    }
    throw new AssertionError("the server did not start");
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
