package dev.aigateway.spring;

import dev.aigateway.http.GatewayFront;
import dev.aigateway.http.HttpReply;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.HttpRequestHandler;

/**
 * The last resort of Spring MVC for {@code /v1} and {@code /v1/**}: a path under {@code /v1} that neither
 * the gateway serves nor any of the application's handlers maps is answered by the gateway, in the OpenAI
 * error format ({@code 404 unsupported_surface}), as a client SDK expects.
 */
final class UnknownSurfaceHandler implements HttpRequestHandler {
  private final GatewayFront front;

  UnknownSurfaceHandler(GatewayFront front) {
    this.front = front;
  }

  @Override
  public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = SurfaceFilter.pathOf(request);
    GatewayFront.Route route = front.route(request.getMethod(), path, 0, null, null);
    HttpReply answer = route.reply();
    // a surface's own path reaches here only if the application took the gateway's filter away
    HttpReply reply = answer != null ? answer : front.internalError(route.format());
    response.setStatus(reply.status());
    reply.forEachHeader(response::setHeader);
    response.setContentLength(reply.bodyLength());
    if (reply.bodyLength() > 0 && !request.getMethod().equals("HEAD")) {
      reply.writeBody(response.getOutputStream());
    }
  }

  @Override
  public String toString() {
    return "UnknownSurfaceHandler";
  }
}
