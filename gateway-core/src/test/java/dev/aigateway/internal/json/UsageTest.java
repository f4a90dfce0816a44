package dev.aigateway.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class UsageTest {
  private static Usage scan(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return Usage.scan(b, 0, b.length);
  }

  @Test
  void openAiChat_allFields() {
    Usage u = scan("{\"choices\":[{\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":100,"
        + "\"completion_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":64},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":12}}}");
    assertThat(u.input).isEqualTo(100);
    assertThat(u.output).isEqualTo(20);
    assertThat(u.cacheRead).isEqualTo(64);
    assertThat(u.reasoning).isEqualTo(12);
    assertThat(u.stopReason).isEqualTo("tool_calls");
  }

  @Test
  void anthropicMessage_cacheReadsAndStopReason() {
    Usage u = scan("{\"type\":\"message\",\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":7,"
        + "\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":50,\"output_tokens\":4}}");
    assertThat(u.input).isEqualTo(7);
    assertThat(u.output).isEqualTo(4);
    assertThat(u.cacheRead).isEqualTo(50);
    assertThat(u.reasoning).isZero();
    assertThat(u.stopReason).isEqualTo("end_turn");
  }

  /** Regression: a tool call's raw JSON input naming prompt_tokens overrode the usage the provider reported. */
  @Test
  void countsInsideTheContent_cannotOverrideTheReportedUsage() {
    Usage u = scan("{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"name\":\"t\",\"input\":"
        + "{\"prompt_tokens\":1,\"completion_tokens\":0,\"finish_reason\":\"x\",\"cached_tokens\":99}}],"
        + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":5000,\"output_tokens\":4000}}");
    assertThat(u.input).isEqualTo(5000);
    assertThat(u.output).isEqualTo(4000);
    assertThat(u.stopReason).isEqualTo("tool_use");
  }

  @Test
  void cacheReadsAndReasoningInsideTheContent_areNotTakenForTheReportedOnes() {
    Usage u = scan("{\"type\":\"message\",\"content\":[{\"type\":\"tool_use\",\"name\":\"t\",\"input\":"
        + "{\"cache_read_input_tokens\":999,\"reasoning_tokens\":555,\"cached_tokens\":77}}],"
        + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":50,\"output_tokens\":40}}");
    assertThat(u.input).isEqualTo(50);
    assertThat(u.output).isEqualTo(40);
    assertThat(u.cacheRead).as("the usage reports none").isZero();
    assertThat(u.reasoning).as("the usage reports none").isZero();
    assertThat(u.stopReason).isEqualTo("tool_use");
    // where the usage does report them, after its input count, they are read
    Usage reported = scan("{\"usage\":{\"input_tokens\":50,\"input_tokens_details\":{\"cached_tokens\":30},"
        + "\"output_tokens\":40,\"output_tokens_details\":{\"reasoning_tokens\":12}}}");
    assertThat(reported.cacheRead).isEqualTo(30);
    assertThat(reported.reasoning).isEqualTo(12);
    Usage anthropic = scan("{\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":9,"
        + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":7,\"output_tokens\":3}}");
    assertThat(anthropic.cacheRead).isEqualTo(7);
    assertThat(anthropic.stopReason).isEqualTo("end_turn");
  }

  @Test
  void theLastOccurrence_wins_andNullOrOddStopReasonsAreSkipped() {
    Usage u = scan("data: {\"choices\":[{\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"choices\":[{\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}\n\n"
        + "data: {\"choices\":[{\"finish_reason\":\"<script>\"}]}\n\n");
    assertThat(u.stopReason).isEqualTo("stop");
    assertThat(u.output).isEqualTo(2);
  }

  @Test
  void nothingReported_isNone_andMergeKeepsTheLaterPart() {
    assertThat(scan("{\"choices\":[]}")).isSameAs(Usage.NONE);
    Usage head = scan("{\"usage\":{\"prompt_tokens\":3}}");
    Usage tail = scan("{\"finish_reason\":\"length\",\"usage\":{\"completion_tokens\":8}}");
    Usage both = head.merge(tail);
    assertThat(both.input).isEqualTo(3);
    assertThat(both.output).isEqualTo(8);
    assertThat(both.stopReason).isEqualTo("length");
  }

  @Test
  void aLargeBody_isNotReadToItsStart_onceTheCountsAreFound() {
    String far = "{\"finish_reason\":\"far\",\"text\":\"" + "x".repeat(10_000) + "\",";
    Usage u = scan(far + "\"choices\":[{\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
    assertThat(u.stopReason).isEqualTo("stop");
    Usage none = scan(far + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
    assertThat(none.stopReason).as("10 KB before the counts: outside the window").isNull();
    assertThat(none.output).isEqualTo(2);
  }

  @Test
  void aStopReasonLongerThan64Characters_isIgnored() {
    assertThat(scan("{\"finish_reason\":\"" + "a".repeat(65) + "\"}").stopReason).isNull();
    assertThat(scan("{\"finish_reason\":\"" + "a".repeat(64) + "\"}").stopReason).hasSize(64);
  }
}
