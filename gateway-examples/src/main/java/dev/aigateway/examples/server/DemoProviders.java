package dev.aigateway.examples.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Simulated OpenAI- and Anthropic-format providers on loopback for {@code --demo}: any key answers,
 * except one whose value contains {@code rate-limited}, which always gets 429. Streams are answered as
 * SSE.
 */
final class DemoProviders implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "demo-provider");
    t.setDaemon(true);
    return t;
  });

  DemoProviders() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/openai/v1/", e -> handle(e, false));
    server.createContext("/anthropic/v1/", e -> handle(e, true));
    server.start();
  }

  String openAiBaseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/openai/v1";
  }

  String anthropicBaseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/anthropic/v1";
  }

  private static void handle(HttpExchange e, boolean anthropic) throws IOException {
    String body;
    try (InputStream in = e.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String credential = anthropic ? e.getRequestHeaders().getFirst("x-api-key")
        : e.getRequestHeaders().getFirst("Authorization");
    if (credential == null) {
      send(e, 401, "{\"error\":{\"message\":\"missing credential\",\"type\":\"authentication_error\"}}");
      return;
    }
    if (credential.contains("rate-limited")) {
      e.getResponseHeaders().set("Retry-After", "30");
      send(e, 429, "{\"error\":{\"message\":\"Rate limit reached for this demo key\",\"type\":\"rate_limit_error\"}}");
      return;
    }
    String model = body.replaceAll("(?s).*\"model\"\\s*:\\s*\"([^\"]*)\".*", "$1");
    boolean stream = body.replaceAll("\\s", "").contains("\"stream\":true");
    if (stream) {
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      // as the providers stream: Anthropic names the input tokens first and the output and stop reason last;
      // OpenAI names the finish reason last, and the usage in a chunk of its own when asked for it
      boolean includeUsage = body.replaceAll("\\s", "").contains("\"include_usage\":true");
      StringBuilder events = new StringBuilder();
      if (anthropic) {
        events.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_demo\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"").append(model).append("\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n")
            .append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
      }
      try (OutputStream out = e.getResponseBody()) {
        out.write(events.toString().getBytes(StandardCharsets.UTF_8));
        for (String word : new String[] {"Hello", " from", " the", " demo", " provider", "!"}) {
          String event = anthropic
              ? "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                  + "{\"type\":\"text_delta\",\"text\":\"" + word + "\"}}\n\n"
              : "data: {\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                  + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n";
          out.write(event.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        String end = anthropic
            ? "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":7}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
            : "data: {\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + (includeUsage ? "data: {\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion.chunk\",\"model\":\""
                    + model + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,"
                    + "\"total_tokens\":19}}\n\n" : "")
                + "data: [DONE]\n\n";
        out.write(end.getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    String answer = anthropic
        ? "{\"id\":\"msg_demo\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hello from the demo provider!\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":12,\"output_tokens\":7}}"
        : "{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion\",\"created\":1760000000,\"model\":\"" + model + "\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the demo provider!\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}";
    send(e, 200, answer);
  }

  private static void send(HttpExchange e, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", "application/json");
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
