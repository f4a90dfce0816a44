package dev.aigateway.spring;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Holds {@code <admin.path>/dashboard} until a dashboard is installed: answers 404 with a plain-text note,
 * so the path is never served by the management API or the application. A dashboard replaces it by
 * registering a bean named {@value AiGatewayAutoConfiguration#DASHBOARD_REGISTRATION}.
 */
final class DashboardPlaceholder extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final byte[] BODY = "The AI Gateway dashboard is not installed in this application.\n"
      .getBytes(StandardCharsets.UTF_8);

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setStatus(404);
    resp.setContentType("text/plain;charset=UTF-8");
    resp.setContentLength(BODY.length);
    if (!req.getMethod().equals("HEAD")) {
      resp.getOutputStream().write(BODY);
    }
  }
}
